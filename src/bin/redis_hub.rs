//! The shared Redis's worker: the [`write_through_lab::hub::Hub`] in a `SharedWorker`, so that
//! every tab of the lab in one browser profile talks to one Redis. Each tab connects with a
//! `MessagePort`; a message is a byte array ([`write_through_lab::wire`], [`write_through_lab::ui::transport`]). The worker
//! lives as long as a tab of the lab is open; when the last one closes the browser ends it and
//! its keyspace is gone, like a Redis restarted without persistence.
//!
//! `static/redis-hub-worker.js` is the worker's script: it keeps the ports of tabs that connect
//! while this WebAssembly still loads, then hands them over (`earlyPorts`).

#[cfg(target_arch = "wasm32")]
mod worker {
    use std::cell::RefCell;
    use std::rc::Rc;

    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};
    use web_sys::{MessageEvent, MessagePort};
    use write_through_lab::emulator::Emulator;
    use write_through_lab::hub::router::Router;
    use write_through_lab::hub::{FromHub, Hub, Recipient, ToHub};
    use write_through_lab::ui::transport::{self, OnMessage};

    struct Server {
        /// The hub, with each tab's connection known by its port's index in `ports`.
        hub: RefCell<Router<usize>>,
        ports: RefCell<Vec<MessagePort>>,
        /// The ports' message handlers, kept alive as long as the worker.
        handlers: RefCell<Vec<OnMessage>>,
    }

    fn post(port: &MessagePort, message: &FromHub) {
        // A port whose tab has closed takes the message and drops it.
        let _ = port.post_message(&transport::bytes(message));
    }

    impl Server {
        fn connect(self: &Rc<Self>, port: MessagePort) {
            let index = {
                let mut ports = self.ports.borrow_mut();
                ports.push(port.clone());
                ports.len() - 1
            };
            let server = Rc::clone(self);
            let handler = transport::receiver(move |message: ToHub| server.handle(index, message));
            transport::listen(&port, &handler);
            port.start();
            self.handlers.borrow_mut().push(handler);
        }

        fn handle(&self, index: usize, message: ToHub) {
            let mut router = self.hub.borrow_mut();
            let out = router.handle(index, message);
            let ports = self.ports.borrow();
            for (to, message) in out {
                match to {
                    Recipient::Sender => post(&ports[index], &message),
                    Recipient::Others => {
                        for other in router.others(index) {
                            post(&ports[other], &message);
                        }
                    }
                }
            }
        }
    }

    pub fn start() {
        let now = || js_sys::Date::now() as i64;
        let seed = (js_sys::Math::random() * 1e15) as u64;
        let global = js_sys::global();
        let run_id = js_sys::Reflect::get(&global, &JsValue::from_str("hubRunId"))
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_else(|| format!("{seed:x}"));
        let server = Rc::new(Server {
            hub: RefCell::new(Router::new(Hub::new(
                Emulator::new(Box::new(now), seed),
                Box::new(now),
                run_id,
            ))),
            ports: RefCell::default(),
            handlers: RefCell::default(),
        });
        let early = js_sys::Reflect::get(&global, &JsValue::from_str("earlyPorts"))
            .ok()
            .filter(js_sys::Array::is_array)
            .map(|v| js_sys::Array::from(&v))
            .unwrap_or_default();
        for port in early.iter() {
            if let Ok(port) = port.dyn_into::<MessagePort>() {
                server.connect(port);
            }
        }
        let on_connect = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            if let Ok(port) = event.ports().get(0).dyn_into::<MessagePort>() {
                server.connect(port);
            }
        });
        let _ = js_sys::Reflect::set(
            &global,
            &JsValue::from_str("onconnect"),
            on_connect.as_ref().unchecked_ref(),
        );
        on_connect.forget();
    }
}

fn main() {
    #[cfg(target_arch = "wasm32")]
    worker::start();
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("redis_hub runs in the browser, as the lab's SharedWorker (see static/redis-hub-worker.js).");
}
