//! Assembles the History page and the ledger exports from the store.

use crate::domain::history::{ActorKind, EventStatus, HISTORY_PAGE_SIZE, HistoryEntry, HistoryPage};
use crate::domain::support::looked_sentence;
use crate::server::clock::{human_date_time, human_time, rfc3339};
use crate::server::notify::delivery::SCHEDULE_MS;
use crate::server::storage::consent::history::{EventRow, HistoryFilter};
use crate::server::storage::consent::told::ToldRow;
use crate::server::storage::{Store, StoreError};
use serde::Serialize;

fn entry(row: EventRow) -> HistoryEntry {
    let status = EventStatus::parse(&row.status).unwrap_or(EventStatus::Refused);
    let can_allow_again = row.is_latest_for_grant() && status.takes_access_away();
    let told = told_sentence(&row.told, &row.partner_name, status);
    HistoryEntry {
        event_id: row.id,
        grant_id: row.grant_id,
        when: human_date_time(row.at),
        partner_name: row.partner_name,
        category_noun: row.category_name.to_lowercase(),
        access: row.access,
        status,
        actor: ActorKind::parse(&row.actor_kind).unwrap_or(ActorKind::System),
        actor_name: row.actor_name,
        reason: row.reason,
        can_allow_again,
        through_friends: row.through_friends != 0,
        told,
    }
}

/// What the partner knows of a change, in the person's words.
pub fn told_sentence(told: &ToldRow, partner_name: &str, status: EventStatus) -> Option<String> {
    told.told(SCHEDULE_MS.len(), human_time)
        .map(|told| told.sentence(partner_name, status.ends_access()))
}

/// `page` counts from 1; a page past the end is shown as the last page.
pub async fn page(
    store: &Store,
    user_id: i64,
    partner: Option<String>,
    category: Option<String>,
    page: u32,
) -> Result<HistoryPage, StoreError> {
    // One reading of the catalog resolves the filter and lists the filter's choices.
    let catalog = store.catalog().await?;
    let filter = HistoryFilter::resolve(&catalog, partner.as_deref(), category.as_deref())?;
    let total = store.count_events(user_id, &filter).await?.max(0) as u64;
    let pages = (total.div_ceil(u64::from(HISTORY_PAGE_SIZE))).max(1) as u32;
    let page = page.clamp(1, pages);
    let offset = i64::from((page - 1) * HISTORY_PAGE_SIZE);
    let rows = store
        .events(user_id, &filter, Some(i64::from(HISTORY_PAGE_SIZE)), offset)
        .await?;
    Ok(HistoryPage {
        entries: rows.into_iter().map(entry).collect(),
        page,
        pages,
        total,
        partners: catalog.partners.into_iter().map(|p| (p.slug, p.name)).collect(),
        categories: catalog.categories.into_iter().map(|c| (c.slug, c.name)).collect(),
        partner,
        category,
        support_looks: store
            .support_views_of(user_id)
            .await?
            .into_iter()
            .map(|look| looked_sentence(&look.agent_name, &human_date_time(look.at), look.ticket.as_deref()))
            .collect(),
    })
}

/// One ledger event as exported: statuses in W3C DPV words, times in RFC 3339.
#[derive(Debug, Serialize)]
pub struct ExportedEvent {
    pub event_id: i64,
    pub at: String,
    pub partner: String,
    pub category: String,
    pub access: &'static str,
    pub status: &'static str,
    pub actor: &'static str,
    pub purpose: Option<String>,
    pub reason: Option<String>,
    /// The consent request (`cr_…`) the event records or answers.
    pub request: Option<String>,
    pub prev_hash: String,
    pub hash: String,
    /// The person's "no" to this partner seeing them through their friends, or its undo.
    pub through_friends: bool,
}

pub async fn export(store: &Store, user_id: i64) -> Result<Vec<ExportedEvent>, StoreError> {
    let rows = store.events(user_id, &Default::default(), None, 0).await?;
    Ok(rows
        .into_iter()
        .rev()
        .map(|row| ExportedEvent {
            event_id: row.id,
            at: rfc3339(row.at),
            partner: row.partner_slug,
            category: row.category_slug,
            access: row.access.as_str(),
            status: EventStatus::parse(&row.status)
                .map(EventStatus::dpv)
                .unwrap_or("Unknown"),
            actor: match ActorKind::parse(&row.actor_kind) {
                Some(ActorKind::User) => "user",
                Some(ActorKind::Support) => "support",
                Some(ActorKind::Partner) => "partner",
                _ => "system",
            },
            purpose: row.purpose,
            reason: row.reason,
            request: row.request,
            prev_hash: row.prev_hash,
            hash: row.hash,
            through_friends: row.through_friends != 0,
        })
        .collect())
}

/// RFC 4180 CSV. Cells that a spreadsheet would run as a formula are prefixed with a quote.
pub fn to_csv(events: &[ExportedEvent]) -> String {
    fn cell(value: &str) -> String {
        let value = if value.starts_with(['=', '+', '-', '@']) {
            format!("'{value}")
        } else {
            value.to_owned()
        };
        if value.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", value.replace('"', "\"\""))
        } else {
            value
        }
    }
    let mut out = String::from(
        "event_id,at,partner,category,access,status,actor,purpose,reason,request,prev_hash,hash,through_friends\r\n",
    );
    for e in events {
        let cells = [
            e.event_id.to_string(),
            e.at.clone(),
            e.partner.clone(),
            e.category.clone(),
            e.access.to_owned(),
            e.status.to_owned(),
            e.actor.to_owned(),
            e.purpose.clone().unwrap_or_default(),
            e.reason.clone().unwrap_or_default(),
            e.request.clone().unwrap_or_default(),
            e.prev_hash.clone(),
            e.hash.clone(),
            e.through_friends.to_string(),
        ];
        out.push_str(&cells.iter().map(|c| cell(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_quoting_and_defuses_formulas() {
        let event = ExportedEvent {
            event_id: 7,
            at: "2026-01-01T00:00:00Z".into(),
            partner: "spotify".into(),
            category: "messages".into(),
            access: "read",
            status: "Withdrawn",
            actor: "user",
            purpose: Some("Send \"songs\", and more".into()),
            reason: Some("=HYPERLINK(\"x\")".into()),
            request: None,
            prev_hash: "a".into(),
            hash: "b".into(),
            through_friends: false,
        };
        let csv = to_csv(&[event]);
        let line = csv.lines().nth(1).unwrap();
        assert!(line.contains(r#""Send ""songs"", and more""#), "{line}");
        assert!(line.contains(r#""'=HYPERLINK(""x"")""#), "{line}");
    }
}
