//! Several open tabs share one IndexedDB database; a `BroadcastChannel` tells the others when
//! this tab changed it, so that they refresh their view instead of showing stale rows.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{BroadcastChannel, MessageEvent};

use super::ProductRecord;

/// The channel every tab of the lab listens on.
pub const CHANNEL: &str = "write-through-lab";

/// What a tab tells the others.
#[derive(Clone, Debug, PartialEq)]
pub enum TabMessage {
    /// This tab committed this row (the tabs share the database: the others take it as it is,
    /// and show it as another tab's write).
    RowWritten(ProductRecord),
    /// The whole table was replaced (reset).
    TableReplaced,
}

impl TabMessage {
    fn encode(&self) -> String {
        match self {
            TabMessage::RowWritten(record) => {
                format!("row:{}", serde_json::to_string(record).unwrap_or_default())
            }
            TabMessage::TableReplaced => "table".to_owned(),
        }
    }

    fn decode(text: &str) -> Option<TabMessage> {
        match text {
            "table" => Some(TabMessage::TableReplaced),
            _ => text
                .strip_prefix("row:")
                .and_then(|json| serde_json::from_str(json).ok())
                .map(TabMessage::RowWritten),
        }
    }
}

/// This tab's end of the channel. Dropping it stops listening.
pub struct TabChannel {
    channel: BroadcastChannel,
    _on_message: Option<Closure<dyn FnMut(MessageEvent)>>,
}

impl std::fmt::Debug for TabChannel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TabChannel").finish_non_exhaustive()
    }
}

impl TabChannel {
    /// Joins the channel; `on_message` runs for every message another tab posts (a tab does not
    /// receive its own messages). `None` if the browser has no `BroadcastChannel`.
    pub fn join(mut on_message: impl FnMut(TabMessage) + 'static) -> Option<TabChannel> {
        let channel = BroadcastChannel::new(CHANNEL).ok()?;
        let closure = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            if let Some(message) = event
                .data()
                .as_string()
                .as_deref()
                .and_then(TabMessage::decode)
            {
                on_message(message);
            }
        });
        channel.set_onmessage(Some(closure.as_ref().unchecked_ref()));
        Some(TabChannel {
            channel,
            _on_message: Some(closure),
        })
    }

    /// Tells the other tabs.
    pub fn post(&self, message: &TabMessage) {
        // A closed channel only means no other tab hears it; the write itself is done.
        let _ = self
            .channel
            .post_message(&JsValue::from_str(&message.encode()));
    }
}

impl Drop for TabChannel {
    fn drop(&mut self) {
        self.channel.set_onmessage(None);
        self.channel.close();
    }
}
