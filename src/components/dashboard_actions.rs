//! The two things a dashboard button can do, made once by the grid (the island) and handed
//! down to every cell. A module of its own so the grid, its table and its cells all import it
//! and none of them imports the one that contains it.

use crate::api::dashboard::{AllowAgain, Revoke};
use leptos::prelude::*;

/// The actions every revoke and allow-again button of the grid submits to.
#[derive(Clone, Copy)]
pub struct DashboardActions {
    pub revoke: ServerAction<Revoke>,
    pub allow_again: ServerAction<AllowAgain>,
}
