//! What the dashboard shows: one row per partner, one cell per data category.

use crate::domain::access::Access;
use crate::domain::wording;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DashboardView {
    pub categories: Vec<CategoryColumn>,
    pub rows: Vec<PartnerRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryColumn {
    pub slug: String,
    pub name: String,
}

impl CategoryColumn {
    /// The word used inside sentences: "your messages".
    pub fn noun(&self) -> String {
        self.name.to_lowercase()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartnerRow {
    pub slug: String,
    pub name: String,
    /// One cell per category, in the order of `DashboardView::categories`.
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Cell {
    /// Every grant this partner ever held on this category, active or not, ordered by access.
    pub grants: Vec<GrantView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GrantView {
    pub id: i64,
    pub access: Access,
    pub active: bool,
    pub purpose: String,
    /// Date the grant was given, already formatted for people ("14 Mar 2016").
    pub since: String,
    /// How and when it ended, for grants that are no longer active: "withdrawn 3 Mar 2024".
    pub ended: Option<String>,
    /// What the partner was told of the end: "Spotify was told at 12:03:05 and confirmed".
    pub told: Option<String>,
    /// When an active grant ends by itself, for grants given for a term: "6 Mar 2027".
    pub until: Option<String>,
    /// How the partner used it: "read 42 times this week, last 2 hours ago".
    pub usage: String,
    /// For an active grant not used this week that will expire unused before its own end:
    /// "Expires on 6 Mar 2027 unless Netflix uses it".
    pub unused_warning: Option<String>,
    /// For an active grant never used: "Spotify has never deleted your messages. Take that
    /// right back?"
    pub never_used: Option<String>,
}

impl Cell {
    pub fn active(&self) -> impl Iterator<Item = &GrantView> {
        self.grants.iter().filter(|g| g.active)
    }

    pub fn active_accesses(&self) -> Vec<Access> {
        self.active().map(|g| g.access).collect()
    }

    pub fn ever_granted(&self) -> bool {
        !self.grants.is_empty()
    }
}

impl PartnerRow {
    pub fn holds_anything(&self) -> bool {
        self.cells.iter().any(|c| c.active().next().is_some())
    }

    pub fn holds(&self, category_index: usize, access: Access) -> bool {
        self.cells
            .get(category_index)
            .is_some_and(|c| c.active().any(|g| g.access == access))
    }
}

impl DashboardView {
    pub fn summary(&self) -> String {
        let with_access = self.rows.iter().filter(|r| r.holds_anything()).count();
        let reading_messages = self
            .categories
            .iter()
            .position(|c| c.slug == "messages")
            .map(|i| self.rows.iter().filter(|r| r.holds(i, Access::Read)).count())
            .unwrap_or(0);
        wording::summary(with_access, reading_messages)
    }

    /// Every (category, access) pair some partner currently holds, in column order:
    /// the buttons of "Take back a whole category".
    pub fn category_actions(&self) -> Vec<(CategoryColumn, Access)> {
        let mut actions = Vec::new();
        for (index, category) in self.categories.iter().enumerate() {
            for access in Access::ALL {
                if self.rows.iter().any(|r| r.holds(index, access)) {
                    actions.push((category.clone(), access));
                }
            }
        }
        actions
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(id: i64, access: Access, active: bool) -> GrantView {
        GrantView {
            id,
            access,
            active,
            purpose: "p".into(),
            since: "1 Jan 2016".into(),
            ended: None,
            told: None,
            until: None,
            usage: String::new(),
            unused_warning: None,
            never_used: None,
        }
    }

    fn view() -> DashboardView {
        let categories = vec![
            CategoryColumn {
                slug: "messages".into(),
                name: "Messages".into(),
            },
            CategoryColumn {
                slug: "friends".into(),
                name: "Friends".into(),
            },
        ];
        let row = |slug: &str, messages: Vec<GrantView>, friends: Vec<GrantView>| PartnerRow {
            slug: slug.into(),
            name: slug.into(),
            cells: vec![Cell { grants: messages }, Cell { grants: friends }],
        };
        DashboardView {
            categories,
            rows: vec![
                row(
                    "spotify",
                    vec![grant(1, Access::Read, true), grant(2, Access::Write, true)],
                    vec![],
                ),
                row("netflix", vec![grant(3, Access::Read, false)], vec![]),
                row("bing", vec![], vec![grant(4, Access::Read, true)]),
            ],
        }
    }

    #[test]
    fn withdrawn_grants_do_not_count_in_the_summary() {
        assert_eq!(
            view().summary(),
            "2 partners can reach your data: 1 can read your messages."
        );
    }

    #[test]
    fn category_actions_list_only_what_someone_still_holds() {
        let actions: Vec<(String, Access)> = view()
            .category_actions()
            .into_iter()
            .map(|(c, a)| (c.slug, a))
            .collect();
        assert_eq!(
            actions,
            vec![
                ("messages".into(), Access::Read),
                ("messages".into(), Access::Write),
                ("friends".into(), Access::Read)
            ]
        );
    }
}
