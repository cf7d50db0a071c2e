//! One file per component.

pub mod actor_card;
pub mod db_panel;
pub mod price_table;
