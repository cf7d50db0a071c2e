//! The shared Redis's worker: the [`write_through_lab::hub::Hub`] in a `SharedWorker`, so that
//! every tab of the lab in one browser profile talks to one Redis. Each tab connects with a
//! `MessagePort`; a message is a byte array ([`write_through_lab::hub::codec`]). The worker
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
    use write_through_lab::hub::codec::{decode_to_hub, encode_from_hub};
    use write_through_lab::hub::{FromHub, Hub, Recipient, TabId};

    type PortHandler = Closure<dyn FnMut(MessageEvent)>;

    /// A tab's port, and its id once it said hello.
    struct Conn {
        port: MessagePort,
        tab: Option<TabId>,
    }

    struct Server {
        hub: RefCell<Hub>,
        conns: RefCell<Vec<Conn>>,
        /// The ports' message handlers, kept alive as long as the worker.
        handlers: RefCell<Vec<PortHandler>>,
    }

    fn post(port: &MessagePort, message: &FromHub) {
        let bytes = js_sys::Uint8Array::from(encode_from_hub(message).as_slice());
        // A port whose tab has closed takes the message and drops it.
        let _ = port.post_message(&bytes);
    }

    impl Server {
        fn connect(self: &Rc<Self>, port: MessagePort) {
            let index = {
                let mut conns = self.conns.borrow_mut();
                conns.push(Conn {
                    port: port.clone(),
                    tab: None,
                });
                conns.len() - 1
            };
            let server = Rc::clone(self);
            let handler = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                let bytes = js_sys::Uint8Array::new(&event.data()).to_vec();
                if let Some(message) = decode_to_hub(&bytes) {
                    server.handle(index, message);
                }
            });
            port.set_onmessage(Some(handler.as_ref().unchecked_ref()));
            port.start();
            self.handlers.borrow_mut().push(handler);
        }

        fn handle(&self, index: usize, message: write_through_lab::hub::ToHub) {
            let tab = self.conns.borrow()[index].tab;
            let out = self.hub.borrow_mut().handle(tab, message);
            let mut conns = self.conns.borrow_mut();
            for (to, message) in out {
                if let FromHub::Welcome { tab, .. } = &message {
                    conns[index].tab = Some(*tab);
                }
                match to {
                    Recipient::Sender => post(&conns[index].port, &message),
                    Recipient::Others => {
                        for (i, conn) in conns.iter().enumerate() {
                            if i != index && conn.tab.is_some() {
                                post(&conn.port, &message);
                            }
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
            hub: RefCell::new(Hub::new(
                Emulator::new(Box::new(now), seed),
                Box::new(now),
                run_id,
            )),
            conns: RefCell::default(),
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
