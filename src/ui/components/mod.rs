//! One file per component.

pub mod actor_card;
pub mod price_table;
