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
