//! "Did you mean …?": the nearest of a list of known names to one that a user misspelt, shared
//! by every stage that refuses an unknown key, id or region.

/// The allowed key closest to a misspelt one, when it is close enough to be a likely typo.
#[must_use]
pub fn nearest_key<'a>(key: &str, allowed: &[&'a str]) -> Option<&'a str> {
    allowed
        .iter()
        .map(|candidate| (strsim::jaro_winkler(key, candidate), *candidate))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misspelt_keys_find_their_neighbour() {
        let allowed = ["title", "agenda", "issues", "strategies"];
        assert_eq!(nearest_key("stratgies", &allowed), Some("strategies"));
        assert_eq!(nearest_key("isues", &allowed), Some("issues"));
        assert_eq!(nearest_key("zzz", &allowed), None);
    }
}
