//! A pending consent request as the person reads it: who asks for what, why and for how long,
//! and what the partner already holds.

use crate::domain::access::Access;
use crate::domain::request_decision::AccessChoice;
use crate::domain::wording::list_accesses;
use serde::{Deserialize, Serialize};

/// The page where a person answers their requests.
pub const REQUESTS_PAGE_PATH: &str = "/requests";

/// Where the person decides one request: the Requests page, at that request.
pub fn decide_url(request_id: &str) -> String {
    format!("{REQUESTS_PAGE_PATH}#{request_id}")
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingRequestView {
    /// The public id (`cr_…`); the Requests page names it as its anchor too.
    pub id: String,
    pub partner_name: String,
    pub purpose: String,
    /// The term the partner asked for; `None`: until the person takes it back.
    pub duration_days: Option<u32>,
    /// "23 Nov 2026".
    pub asked_on: String,
    /// The day it expires if nobody answers: "7 Dec 2026".
    pub answer_by: String,
    /// Every access asked, in category order, then read, write, delete.
    pub accesses: Vec<AskedAccessView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AskedAccessView {
    /// Also the value of this access's checkbox (`choice.form_value()`).
    pub choice: AccessChoice,
    /// "messages".
    pub category_noun: String,
    /// The partner holds this access already (an active grant), so approving extends it.
    pub already_held: bool,
}

/// "for 90 days", "for a year", "until you take it back".
pub fn term_words(duration_days: Option<u32>) -> String {
    match duration_days {
        None => "until you take it back".to_owned(),
        Some(1) => "for 1 day".to_owned(),
        Some(365) => "for a year".to_owned(),
        Some(days) => format!("for {days} days"),
    }
}

impl PendingRequestView {
    /// (category noun, access) of every access asked, in order.
    fn asked(&self) -> Vec<(String, Access)> {
        self.accesses
            .iter()
            .map(|a| (a.category_noun.clone(), a.choice.access))
            .collect()
    }

    /// "Spotify asks to read and write your messages, to send songs from inside Spotify, for
    /// 90 days."
    pub fn asks_sentence(&self) -> String {
        let purpose = self.purpose.trim_end_matches('.');
        let why = if purpose.to_lowercase().starts_with("to ") {
            purpose.to_owned()
        } else {
            format!("for this purpose: \u{201c}{purpose}\u{201d}")
        };
        format!(
            "{} asks to {}, {why}, {}.",
            self.partner_name,
            accesses_on_categories(&self.asked(), "and"),
            term_words(self.duration_days)
        )
    }

    /// One sentence per category where the partner already holds some of what it asks:
    /// "Spotify can already read your messages. It also asks to delete them."
    pub fn holding_sentences(&self) -> Vec<String> {
        let by_noun = by_noun(self.accesses.iter().map(|a| (a.category_noun.as_str(), a)));
        by_noun
            .into_iter()
            .filter_map(|(noun, accesses)| {
                let (held, new): (Vec<&AskedAccessView>, Vec<&AskedAccessView>) =
                    accesses.into_iter().partition(|a| a.already_held);
                let held: Vec<Access> = held.iter().map(|a| a.choice.access).collect();
                let new: Vec<Access> = new.iter().map(|a| a.choice.access).collect();
                if held.is_empty() {
                    return None;
                }
                let holds = format!(
                    "{} can already {} your {noun}.",
                    self.partner_name,
                    list_accesses(&held, "and")
                );
                Some(match new.is_empty() {
                    true => holds,
                    false => format!("{holds} It also asks to {} them.", list_accesses(&new, "and")),
                })
            })
            .collect()
    }
}

/// Items grouped by category noun, in the order each noun first appears.
fn by_noun<'a, T>(items: impl Iterator<Item = (&'a str, T)>) -> Vec<(&'a str, Vec<T>)> {
    let mut groups: Vec<(&str, Vec<T>)> = Vec::new();
    for (noun, item) in items {
        match groups.iter_mut().find(|(seen, _)| *seen == noun) {
            Some((_, of_noun)) => of_noun.push(item),
            None => groups.push((noun, vec![item])),
        }
    }
    groups
}

/// "read and write your messages and read your friends" from (category noun, access) pairs in
/// the order they should be told; `conjunction` joins the accesses on one category ("and", or
/// "or" after a negation).
pub fn accesses_on_categories(accesses: &[(String, Access)], conjunction: &str) -> String {
    let parts: Vec<String> = by_noun(accesses.iter().map(|(noun, access)| (noun.as_str(), *access)))
        .iter()
        .map(|(noun, of_noun)| format!("{} your {noun}", list_accesses(of_noun, conjunction)))
        .collect();
    match parts.as_slice() {
        [] => String::new(),
        [only] => only.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// What the person is told after approving: "Approved: Spotify can read your messages until
/// 6 Mar 2027." `until` is a date already written for people.
pub fn approved_notice(partner: &str, granted: &[(String, Access)], until: Option<&str>) -> String {
    let until = match until {
        Some(date) => format!("until {date}"),
        None => "until you take it back".to_owned(),
    };
    format!(
        "Approved: {partner} can {} {until}.",
        accesses_on_categories(granted, "and")
    )
}

/// What the person is told after refusing: "Refused: Spotify may not read or delete your
/// messages."
pub fn refused_notice(partner: &str, asked: &[(String, Access)]) -> String {
    format!("Refused: {partner} may not {}.", accesses_on_categories(asked, "or"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::slug::Slug;
    use Access::*;

    fn asked(category: &str, access: Access, already_held: bool) -> AskedAccessView {
        AskedAccessView {
            choice: AccessChoice::new(Slug::parse(category, "category").unwrap(), access),
            category_noun: category.to_owned(),
            already_held,
        }
    }

    fn request(accesses: Vec<AskedAccessView>, purpose: &str, days: Option<u32>) -> PendingRequestView {
        PendingRequestView {
            id: "cr_1".into(),
            partner_name: "Spotify".into(),
            purpose: purpose.into(),
            duration_days: days,
            asked_on: "23 Nov 2026".into(),
            answer_by: "7 Dec 2026".into(),
            accesses,
        }
    }

    #[test]
    fn a_request_says_who_asks_for_what_why_and_how_long() {
        let spotify = request(
            vec![asked("messages", Read, false), asked("messages", Write, false)],
            "to send songs from inside Spotify",
            Some(90),
        );
        assert_eq!(
            spotify.asks_sentence(),
            "Spotify asks to read and write your messages, to send songs from inside Spotify, for 90 days."
        );
        let two = request(
            vec![asked("messages", Read, false), asked("friends", Read, false)],
            "Share playlists.",
            None,
        );
        assert_eq!(
            two.asks_sentence(),
            "Spotify asks to read your messages and read your friends, for this purpose: \u{201c}Share playlists\u{201d}, until you take it back."
        );
    }

    #[test]
    fn a_request_for_more_says_what_the_partner_already_holds() {
        let more = request(
            vec![
                asked("messages", Read, true),
                asked("messages", Delete, false),
                asked("friends", Read, false),
            ],
            "to clean up",
            Some(30),
        );
        assert_eq!(
            more.holding_sentences(),
            ["Spotify can already read your messages. It also asks to delete them."]
        );
        let renewal = request(vec![asked("messages", Read, true)], "to clean up", Some(365));
        assert_eq!(renewal.holding_sentences(), ["Spotify can already read your messages."]);
        assert!(renewal.asks_sentence().ends_with("for a year."));
    }

    #[test]
    fn answers_are_told_in_one_sentence() {
        let both = [("messages".to_owned(), Read), ("messages".to_owned(), Delete)];
        assert_eq!(
            approved_notice("Spotify", &both[..1], Some("6 Mar 2027")),
            "Approved: Spotify can read your messages until 6 Mar 2027."
        );
        assert_eq!(
            approved_notice("Spotify", &both, None),
            "Approved: Spotify can read and delete your messages until you take it back."
        );
        assert_eq!(
            refused_notice("Spotify", &both),
            "Refused: Spotify may not read or delete your messages."
        );
    }
}
