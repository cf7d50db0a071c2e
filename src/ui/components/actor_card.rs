//! A card for one actor of the lesson (application, cache, database) with an honest status.

use yew::prelude::*;

/// How live an actor is, shown as a pill on its card.
#[derive(Clone, Debug, PartialEq)]
pub enum ActorStatus {
    /// Working for real.
    Live(String),
    /// Starting up.
    Pending(String),
    /// Shown, but not live yet: says what is missing.
    Planned(String),
    /// Could not start; the card says why.
    Failed(String),
}

impl ActorStatus {
    fn modifier(&self) -> &'static str {
        match self {
            ActorStatus::Live(_) => "live",
            ActorStatus::Pending(_) => "pending",
            ActorStatus::Planned(_) => "planned",
            ActorStatus::Failed(_) => "failed",
        }
    }

    fn text(&self) -> &str {
        match self {
            ActorStatus::Live(t)
            | ActorStatus::Pending(t)
            | ActorStatus::Planned(t)
            | ActorStatus::Failed(t) => t,
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct ActorCardProps {
    pub title: AttrValue,
    pub role_line: AttrValue,
    pub status: ActorStatus,
    /// The current step is this actor's.
    #[prop_or_default]
    pub active: bool,
    /// The diagram's lifeline this card stands for (`data-lifeline`): messages travel between
    /// cards by it.
    #[prop_or_default]
    pub lifeline: AttrValue,
    #[prop_or_default]
    pub children: Html,
}

#[function_component(ActorCard)]
pub fn actor_card(props: &ActorCardProps) -> Html {
    let status_class = format!(
        "actor-card__status actor-card__status--{}",
        props.status.modifier()
    );
    // A card scrolls when its contents are taller than the stage gives it: focusable, so that
    // the keyboard can scroll it too (its arrow keys are its own, not playback's).
    html! {
        <section class={classes!("actor-card", format!("actor-card--{}", props.lifeline), props.active.then_some("actor-card--active"))}
            aria-label={props.title.clone()} data-lifeline={props.lifeline.clone()} tabindex="0">
            <h2 class="actor-card__title">{ props.title.clone() }</h2>
            <p class="actor-card__role">{ props.role_line.clone() }</p>
            <p class={status_class}>{ props.status.text().to_owned() }</p>
            <div class="actor-card__body">{ props.children.clone() }</div>
        </section>
    }
}
