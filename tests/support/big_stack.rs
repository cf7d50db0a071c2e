//! Runs the learner's Python on a thread with a stack of its own: unoptimised RustPython frames
//! need more than a test thread's 2 MiB once a program recurses or an import nests modules (in
//! the browser the interpreter is an optimised build, and its limits were measured there).

/// `f` on a thread with a 64 MiB stack; its panic is the test's.
pub fn on_big_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(f)
        .expect("a thread")
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}
