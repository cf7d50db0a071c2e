//! "On the wire": for the step on the stage, if its command reached Redis, the bytes that
//! travelled: the argument vector the client made of the line or the call, the request frame,
//! and the reply in RESP2 and RESP3, with every `\r\n` shown.

use std::rc::Rc;

use yew::prelude::*;

use crate::engine::{Trace, Wire};

#[derive(Properties, PartialEq)]
pub struct OnTheWireProps {
    pub trace: Rc<Trace>,
    pub cursor: usize,
}

/// Shown once the trace has a command that reached Redis; it keeps its open state from step to
/// step, and speaks of the step on the stage.
#[function_component(OnTheWire)]
pub fn on_the_wire(props: &OnTheWireProps) -> Html {
    if !props.trace.steps.iter().any(|s| s.wire.is_some()) {
        return Html::default();
    }
    let step = props.trace.steps.get(props.cursor);
    let body = match step.and_then(|s| s.wire.as_ref().map(|w| (s, w))) {
        Some((step, wire)) => frames(&step.action, wire, &STEP_LABELS),
        None => html! {
            <p class="wire__hint">{ "This step sends nothing to Redis. Choose an arrow to or from the Redis cache in the diagram (or step to one) to see its bytes." }</p>
        },
    };
    html! {
        <details class="wire">
            <summary class="wire__summary">{ "On the wire" }</summary>
            { body }
        </details>
    }
}

/// The accessible names of the three frames (the step on the stage's and the console's differ,
/// so that each can be found on a page that shows both).
pub struct FrameLabels {
    pub request: &'static str,
    pub reply2: &'static str,
    pub reply3: &'static str,
}

const STEP_LABELS: FrameLabels = FrameLabels {
    request: "Request frame",
    reply2: "Reply frame, RESP2",
    reply3: "Reply frame, RESP3",
};

/// The most of a frame or an argument written out; past it, what is left out is counted (a
/// 64 MiB value would otherwise be a 64 MiB text in the page).
const FRAME_CHARS: usize = 16 * 1024;
const ARGUMENT_CHARS: usize = 1024;

/// The bytes of one command: its arguments, the request frame and the reply frames (the
/// console shows its last command with them too).
pub fn frames(line: &str, wire: &Wire, labels: &FrameLabels) -> Html {
    let (request, reply2, reply3) = (wire.request(), wire.reply2(), wire.reply3());
    let same = reply2 == reply3;
    html! {
        <div class="wire__body" data-wire-step="">
            <p class="wire__line">{ "The command " }<code>{ line }</code>{ " as the client sends it: each argument a bulk string ($ and its length), the whole an array (* and the count). \\r\\n ends every line." }</p>
            <table class="wire__argv">
                <caption>{ "Arguments" }</caption>
                <thead><tr><th scope="col">{ "#" }</th><th scope="col">{ "Bytes" }</th><th scope="col">{ "Length" }</th></tr></thead>
                <tbody>
                    { for wire.argv.iter().enumerate().map(|(i, arg)| html! {
                        <tr><td>{ i }</td><td><code>{ Wire::shown_cut(arg, false, ARGUMENT_CHARS) }</code></td><td>{ arg.len() }</td></tr>
                    }) }
                </tbody>
            </table>
            <h4 class="wire__heading">{ "Request" }</h4>
            <pre class="wire__frame" tabindex="0" aria-label={labels.request}>{ Wire::shown_cut(&request, true, FRAME_CHARS) }</pre>
            <h4 class="wire__heading">{ "Reply (RESP2)" }</h4>
            <pre class="wire__frame" tabindex="0" aria-label={labels.reply2}>{ Wire::shown_cut(&reply2, true, FRAME_CHARS) }</pre>
            <h4 class="wire__heading">{ "Reply (RESP3, after HELLO 3)" }</h4>
            if same {
                <p class="wire__same">{ "The same bytes." }</p>
            } else {
                <pre class="wire__frame" tabindex="0" aria-label={labels.reply3}>{ Wire::shown_cut(&reply3, true, FRAME_CHARS) }</pre>
            }
        </div>
    }
}
