//! One file per component.

pub mod actor_card;
pub mod code_pane;
pub mod compare_panel;
pub mod console;
pub mod controls;
pub mod db_panel;
pub mod last_trace;
pub mod lesson_panel;
pub mod playback_bar;
pub mod predict_box;
pub mod price_form;
pub mod price_table;
pub mod race_panel;
pub mod scale_panel;
pub mod sequence_diagram;
pub mod stage;
pub mod tabs;
pub mod update_form;
