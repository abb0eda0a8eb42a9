//! View pieces used by pages. `dashboard_grid` is the one island: the only part that hydrates.

pub mod activity_chart;
pub mod allow_again_button;
pub mod category_actions;
pub mod dashboard_actions;
pub mod dashboard_grid;
pub mod data_table;
pub mod form_notice;
pub mod form_problem;
pub mod grant_cell;
pub mod grant_table;
pub mod revoke_button;
pub mod signed_in_header;
pub mod signed_in_page;
pub mod submit_button;
pub mod support_requests;
pub mod support_through_friends;
