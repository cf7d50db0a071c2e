//! A Redis console on the lab's cache: redis-cli's splitting and printing, ↑/↓ history, Tab
//! completion, a syntax hint as you type, `help`, `clear`.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use std::cell::RefCell;
use std::rc::Rc;

use crate::emulator::cli::{hint, Prompt};
use crate::engine::Wire;

use super::on_the_wire::{frames, FrameLabels};

/// What a line printed, and whether it asked to clear the screen.
#[derive(Clone, Debug, PartialEq)]
pub struct ConsoleOutput {
    pub text: String,
    pub clear: bool,
    /// What the command that was sent, and its last reply, were as bytes ("On the wire").
    pub wire: Option<Rc<Wire>>,
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
    wire: Option<Rc<Wire>>,
    /// Its number in the transcript (the screen scrolls when a new one arrives).
    seq: u64,
}

/// Where a sent line's output goes: into the transcript under the line (or the screen is
/// cleared), keeping the last 200 entries as a terminal's scrollback would.
fn printed(
    typed: String,
    transcript: Rc<RefCell<Vec<Entry>>>,
    redraw: UseForceUpdateHandle,
) -> Callback<ConsoleOutput> {
    Callback::from(move |out: ConsoleOutput| {
        let mut next = transcript.borrow_mut();
        if out.clear {
            next.clear();
        } else {
            let seq = next.last().map_or(0, |e| e.seq) + 1;
            next.push(Entry {
                line: typed.clone(),
                output: out.text,
                wire: out.wire,
                seq,
            });
        }
        let excess = next.len().saturating_sub(200);
        next.drain(..excess);
        redraw.force_update();
    })
}

#[function_component(Console)]
pub fn console(props: &ConsoleProps) -> Html {
    let transcript = use_mut_ref(Vec::<Entry>::new);
    let redraw = use_force_update();
    let prompt = use_mut_ref(Prompt::default);
    let screen = use_node_ref();
    use_scroll_to_newest(&screen, &transcript);
    let on_input = {
        let (prompt, redraw) = (prompt.clone(), redraw.clone());
        Callback::from(move |e: InputEvent| {
            if let Some(el) = e.target_dyn_into::<HtmlInputElement>() {
                prompt.borrow_mut().typed(el.value());
                redraw.force_update();
            }
        })
    };
    let on_keydown = {
        let (prompt, redraw) = (prompt.clone(), redraw.clone());
        Callback::from(move |e: KeyboardEvent| {
            if prompt.borrow_mut().key(&e.key()) {
                e.prevent_default();
                redraw.force_update();
            }
        })
    };
    let on_submit = {
        let (prompt, transcript, on_run) =
            (prompt.clone(), transcript.clone(), props.on_run.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let line = prompt.borrow_mut().submit();
            redraw.force_update();
            on_run.emit((
                line.clone(),
                printed(line, transcript.clone(), redraw.clone()),
            ));
        })
    };
    let (line, hint_text) = {
        let prompt = prompt.borrow();
        (prompt.line.clone(), hint(&prompt.line).unwrap_or_default())
    };
    html! {
        <section class="console" aria-label="Redis console">
            <h2 class="console__title">{ "Redis console" }</h2>
            <p class="console__intro">{ "Redis commands, as in redis-cli, on the cache the stage shows. Try help, HGETALL product_prices, or Tab to complete." }</p>
            <div class="console__screen" ref={screen} role="log" aria-live="polite" aria-label="Console output" tabindex="0">
                { for transcript.borrow().iter().map(|entry| html! {
                    <div class="console__entry">
                        <div class="console__line"><span class="console__prompt" aria-hidden="true">{ "127.0.0.1:6379> " }</span>{ entry.line.clone() }</div>
                        <pre class="console__output">{ entry.output.clone() }</pre>
                    </div>
                }) }
            </div>
            { last_on_the_wire(&transcript.borrow()) }
            <form class="console__form" onsubmit={on_submit}>
                <label class="console__label">
                    <span class="console__prompt">{ "127.0.0.1:6379>" }</span>
                    <span class="visually-hidden">{ "Redis command" }</span>
                    <input
                        class="console__input"
                        type="text"
                        autocomplete="off"
                        spellcheck="false"
                        value={line}
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

/// A new reply scrolls the screen to it, as a terminal does (HGETALL's output is longer than
/// the box).
#[hook]
fn use_scroll_to_newest(screen: &NodeRef, transcript: &Rc<RefCell<Vec<Entry>>>) {
    let shown = use_mut_ref(|| 0_u64);
    let (screen, transcript) = (screen.clone(), transcript.clone());
    use_effect(move || {
        let newest = transcript.borrow().last().map_or(0, |e| e.seq);
        if *shown.borrow() != newest {
            *shown.borrow_mut() = newest;
            if let Some(el) = screen.cast::<web_sys::Element>() {
                el.set_scroll_top(el.scroll_height());
            }
        }
    });
}

/// "On the wire" for the last command the console sent, once there is one.
fn last_on_the_wire(transcript: &[Entry]) -> Html {
    let Some((line, wire)) = transcript
        .iter()
        .rev()
        .find_map(|e| e.wire.as_ref().map(|w| (&e.line, w)))
    else {
        return Html::default();
    };
    html! {
        <details class="wire console__wire">
            <summary class="wire__summary">{ "On the wire: the last command" }</summary>
            { frames(line, wire, &FrameLabels {
                request: "The console's last request",
                reply2: "The console's last reply, RESP2",
                reply3: "The console's last reply, RESP3",
            }) }
        </details>
    }
}
