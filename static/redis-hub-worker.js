// The lab's shared Redis: a SharedWorker that every tab of the lab connects to (one per browser
// profile). The server itself is Rust (src/bin/redis_hub.rs, built by Trunk as redis_hub.js and
// redis_hub_bg.wasm); this script only
// - names this run of the server (hubRunId) and holds the Web Lock "write-through-lab-redis/<run
//   id>" for as long as it lives, so that a tab learns the server ended when the browser grants
//   it that lock;
// - keeps the ports of tabs that connect while the WebAssembly loads (earlyPorts); the Rust side
//   takes them over and handles later ones.
self.hubRunId = Array.from(crypto.getRandomValues(new Uint8Array(10)), (b) => b.toString(16).padStart(2, '0')).join('');
navigator.locks?.request(`write-through-lab-redis/${self.hubRunId}`, () => new Promise(() => {}));
self.earlyPorts = [];
self.onconnect = (event) => {
  self.earlyPorts.push(event.ports[0]);
};
importScripts('./redis_hub.js');
wasm_bindgen('./redis_hub_bg.wasm');
