// The learner's Python: RustPython in this dedicated worker, started by the page on first use
// of the editor (src/ui/python.rs). The interpreter is Rust (src/bin/python_worker.rs, built by
// Trunk as python_worker.js and python_worker_bg.wasm); this script
// - downloads the WebAssembly, telling the page how far it got ({kind: 'progress'}), and
//   compiles it while it arrives;
// - answers the page's requests ({id, request}: bytes, src/python/wire.rs) with
//   {kind: 'answer', id, response} (bytes);
// - reports a run that made the interpreter fail ({kind: 'crashed'}): the page then ends this
//   worker, as it ends one that does not answer in time, and starts another on the next run.
importScripts('./python_worker.js');

let ready = false;
const waiting = [];

function answer({ id, request }) {
  try {
    const response = wasm_bindgen.handle(request);
    postMessage({ kind: 'answer', id, response }, [response.buffer]);
  } catch (failure) {
    // A trap (stack overflow, out of memory) leaves the instance unusable.
    ready = false;
    postMessage({ kind: 'crashed', id, message: String(failure) });
  }
}

self.onmessage = (event) => {
  if (ready) answer(event.data);
  else waiting.push(event.data);
};

(async () => {
  try {
    const response = await fetch('./python_worker_bg.wasm');
    if (!response.ok) throw new Error(`python_worker_bg.wasm: HTTP ${response.status}`);
    // Content-Length is the size on the wire; with a compressed response it is not the size
    // of what arrives, so it is only used when it is not exceeded.
    const total = Number(response.headers.get('Content-Length')) || 0;
    let loaded = 0;
    let told = 0;
    const counted = response.body.pipeThrough(
      new TransformStream({
        transform(chunk, controller) {
          loaded += chunk.byteLength;
          if (loaded - told >= 65536) {
            told = loaded;
            postMessage({ kind: 'progress', loaded, total: loaded <= total ? total : 0 });
          }
          controller.enqueue(chunk);
        },
      }),
    );
    const streamed = new Response(counted, { headers: { 'Content-Type': 'application/wasm' } });
    await wasm_bindgen({ module_or_path: streamed });
    postMessage({ kind: 'progress', loaded, total: loaded <= total ? total : 0 });
    ready = true;
    postMessage({ kind: 'ready' });
    while (waiting.length > 0 && ready) answer(waiting.shift());
  } catch (failure) {
    postMessage({ kind: 'failed', message: String(failure) });
  }
})();
