//! A Redis console on the lab's cache: redis-cli's splitting and printing, ↑/↓ history, Tab
//! completion, a syntax hint as you type, `help`, `clear`.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::emulator::cli::{completions, hint};

/// What a line printed, and whether it asked to clear the screen.
#[derive(Clone, Debug, PartialEq)]
pub struct ConsoleOutput {
    pub text: String,
    pub clear: bool,
}

#[derive(Properties, PartialEq)]
pub struct ConsoleProps {
    /// Runs a line on the cache; what redis-cli would print comes back through the callback
    /// given with it (the cache is a shared server: the answer takes a message).
    pub on_run: Callback<(String, Callback<ConsoleOutput>)>,
}

#[derive(Clone, PartialEq)]
struct Entry {
    line: String,
    output: String,
}

#[function_component(Console)]
pub fn console(props: &ConsoleProps) -> Html {
    let transcript = use_mut_ref(Vec::<Entry>::new);
    let redraw = use_force_update();
    let input = use_state(String::new);
    let history = use_mut_ref(Vec::<String>::new);
    let cursor = use_mut_ref(|| None::<usize>);
    let tab_cycle = use_mut_ref(|| None::<(Vec<String>, usize)>);

    let on_input = {
        let (input, tab_cycle) = (input.clone(), tab_cycle.clone());
        Callback::from(move |e: InputEvent| {
            if let Some(el) = e.target_dyn_into::<HtmlInputElement>() {
                input.set(el.value());
                *tab_cycle.borrow_mut() = None;
            }
        })
    };
    let on_keydown = {
        let (input, history, cursor, tab_cycle) = (
            input.clone(),
            history.clone(),
            cursor.clone(),
            tab_cycle.clone(),
        );
        Callback::from(move |e: KeyboardEvent| {
            let hist = history.borrow();
            match e.key().as_str() {
                "ArrowUp" if !hist.is_empty() => {
                    e.prevent_default();
                    let i = cursor
                        .borrow()
                        .map_or(hist.len() - 1, |i: usize| i.saturating_sub(1));
                    *cursor.borrow_mut() = Some(i);
                    input.set(hist[i].clone());
                }
                "ArrowDown" => {
                    e.prevent_default();
                    let next = cursor.borrow().map(|i| i + 1);
                    match next {
                        Some(i) if i < hist.len() => {
                            *cursor.borrow_mut() = Some(i);
                            input.set(hist[i].clone());
                        }
                        _ => {
                            *cursor.borrow_mut() = None;
                            input.set(String::new());
                        }
                    }
                }
                "Tab" => {
                    let mut cycle = tab_cycle.borrow_mut();
                    let (words, i) = match cycle.take() {
                        Some((words, i)) => {
                            let next = (i + 1) % words.len();
                            (words, next)
                        }
                        None => (completions(&input), 0),
                    };
                    if !words.is_empty() {
                        e.prevent_default();
                        input.set(words[i].clone());
                        *cycle = Some((words, i));
                    }
                }
                _ => {}
            }
        })
    };
    let on_submit = {
        let (input, transcript, history, cursor, on_run) = (
            input.clone(),
            transcript.clone(),
            history.clone(),
            cursor.clone(),
            props.on_run.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let line = (*input).clone();
            if !line.trim().is_empty() {
                history.borrow_mut().push(line.clone());
            }
            *cursor.borrow_mut() = None;
            input.set(String::new());
            let (transcript, redraw, typed) = (transcript.clone(), redraw.clone(), line.clone());
            on_run.emit((
                line,
                Callback::from(move |out: ConsoleOutput| {
                    let mut next = transcript.borrow_mut();
                    if out.clear {
                        next.clear();
                    } else {
                        next.push(Entry {
                            line: typed.clone(),
                            output: out.text,
                        });
                    }
                    // Keep the screen bounded, as a terminal's scrollback is.
                    let excess = next.len().saturating_sub(200);
                    next.drain(..excess);
                    redraw.force_update();
                }),
            ));
        })
    };
    let hint_text = hint(&input).unwrap_or_default();
    html! {
        <section class="console" aria-label="Redis console">
            <h2 class="console__title">{ "Redis console" }</h2>
            <p class="console__intro">{ "Type Redis commands as in redis-cli; they change the same cache the stage shows. Try help, HGETALL product_prices, or Tab to complete." }</p>
            <div class="console__screen" role="log" aria-live="polite" aria-label="Console output" tabindex="0">
                { for transcript.borrow().iter().map(|entry| html! {
                    <div class="console__entry">
                        <div class="console__line"><span class="console__prompt" aria-hidden="true">{ "127.0.0.1:6379> " }</span>{ entry.line.clone() }</div>
                        <pre class="console__output">{ entry.output.clone() }</pre>
                    </div>
                }) }
            </div>
            <form class="console__form" onsubmit={on_submit}>
                <label class="console__label">
                    <span class="console__prompt">{ "127.0.0.1:6379>" }</span>
                    <span class="visually-hidden">{ "Redis command" }</span>
                    <input
                        class="console__input"
                        type="text"
                        autocomplete="off"
                        spellcheck="false"
                        value={(*input).clone()}
                        oninput={on_input}
                        onkeydown={on_keydown}
                        aria-label="Redis command"
                        aria-describedby="console-hint"
                    />
                </label>
                <span id="console-hint" class="console__hint">{ hint_text }</span>
            </form>
        </section>
    }
}
