//! How the product says who can do what, in one place so every page says it the same way.

use crate::domain::access::Access;

/// "read", "read and write", "read, write and delete" (or with "or" after a negation).
pub fn list_accesses(accesses: &[Access], conjunction: &str) -> String {
    let words: Vec<&str> = accesses.iter().map(|a| a.as_str()).collect();
    match words.as_slice() {
        [] => String::new(),
        [only] => (*only).to_owned(),
        [init @ .., last] => format!("{} {conjunction} {last}", init.join(", ")),
    }
}

/// "Spotify can read, write and delete your messages".
pub fn partner_holds(partner: &str, accesses: &[Access], category_noun: &str) -> String {
    format!("{partner} can {} your {category_noun}", list_accesses(accesses, "and"))
}

/// "Spotify can no longer reach your messages".
pub fn partner_lost_all(partner: &str, category_noun: &str) -> String {
    format!("{partner} can no longer reach your {category_noun}")
}

/// "Expires on 6 Mar 2027 unless Netflix uses it".
pub fn expires_unless_used(partner: &str, date: &str) -> String {
    format!("Expires on {date} unless {partner} uses it")
}

/// "Spotify has never deleted your messages. Take that right back?"
pub fn never_used(partner: &str, access: Access, category_noun: &str) -> String {
    let done = match access {
        Access::Read => "read",
        Access::Write => "written to",
        Access::Delete => "deleted",
    };
    format!("{partner} has never {done} your {category_noun}. Take that right back?")
}

/// "9 partners can reach your data: 3 can read your messages."
pub fn summary(partners_with_access: usize, partners_reading_messages: usize) -> String {
    if partners_with_access == 0 {
        return "No partner can reach your data.".to_owned();
    }
    let partners = match partners_with_access {
        1 => "1 partner can".to_owned(),
        n => format!("{n} partners can"),
    };
    match partners_reading_messages {
        0 => format!("{partners} reach your data; none can read your messages."),
        n => format!("{partners} reach your data: {n} can read your messages."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Access::*;

    #[test]
    fn sentences_read_like_english() {
        assert_eq!(
            partner_holds("Spotify", &[Read, Write, Delete], "messages"),
            "Spotify can read, write and delete your messages"
        );
        assert_eq!(
            partner_holds("Amazon", &[Read, Write], "contacts"),
            "Amazon can read and write your contacts"
        );
        assert_eq!(
            partner_holds("Netflix", &[Read], "messages"),
            "Netflix can read your messages"
        );
        assert_eq!(list_accesses(&[Read, Write, Delete], "or"), "read, write or delete");
        assert_eq!(
            never_used("Spotify", Delete, "messages"),
            "Spotify has never deleted your messages. Take that right back?"
        );
        assert_eq!(
            never_used("Spotify", Write, "messages"),
            "Spotify has never written to your messages. Take that right back?"
        );
        assert_eq!(
            expires_unless_used("Netflix", "6 Mar 2027"),
            "Expires on 6 Mar 2027 unless Netflix uses it"
        );
    }

    #[test]
    fn the_summary_answers_in_one_sentence() {
        assert_eq!(
            summary(9, 3),
            "9 partners can reach your data: 3 can read your messages."
        );
        assert_eq!(
            summary(1, 0),
            "1 partner can reach your data; none can read your messages."
        );
        assert_eq!(summary(0, 0), "No partner can reach your data.");
    }
}
