#![allow(clippy::all, clippy::pedantic, clippy::unwrap_used, missing_docs)]
use consolidate::consolidate::lexicon::Lexicon;
use consolidate::consolidate::normalise::Normaliser;
use consolidate::consolidate::similarity::{Corpus, contrast};
use consolidate::model::{DedupSettings, LexiconSettings};
use serde::Deserialize;

#[derive(Deserialize)]
struct Set {
    concern: Vec<Concern>,
    apart: Vec<Apart>,
}
#[derive(Deserialize)]
struct Concern {
    id: String,
    kind: String,
    entries: Vec<E>,
}
#[derive(Deserialize)]
struct E {
    region: String,
    text: String,
}
#[derive(Deserialize)]
struct Apart {
    concerns: [String; 2],
}

#[test]
fn pairs() {
    let name = std::env::var("SET").unwrap();
    let set: Set = toml::from_str(&std::fs::read_to_string(&name).unwrap()).unwrap();
    let mut items = vec![];
    for c in &set.concern {
        for e in &c.entries {
            items.push((
                c.id.clone(),
                c.kind.clone(),
                e.region.clone(),
                e.text.clone(),
            ));
        }
    }
    let settings = DedupSettings::default();
    let n = Normaliser::new(&settings);
    let (lex, _) = Lexicon::build(
        &LexiconSettings {
            builtin: true,
            ..LexiconSettings::default()
        },
        &n,
    );
    let texts: Vec<_> = items
        .iter()
        .map(|i| lex.apply(n.normalise(&i.3, "en")))
        .collect();
    let corpus = Corpus::new(&texts);
    let apart: std::collections::HashSet<(String, String)> = set
        .apart
        .iter()
        .flat_map(|a| {
            [
                (a.concerns[0].clone(), a.concerns[1].clone()),
                (a.concerns[1].clone(), a.concerns[0].clone()),
            ]
        })
        .collect();
    let mut rows = vec![];
    for a in 0..items.len() {
        for b in a + 1..items.len() {
            if items[a].1 != items[b].1 {
                continue;
            }
            let s = corpus.cosine(a, b) * contrast(&texts[a], &texts[b]);
            let class = if items[a].0 == items[b].0 {
                "TRUE"
            } else if apart.contains(&(items[a].0.clone(), items[b].0.clone())) {
                "APART"
            } else {
                "other"
            };
            rows.push((s, class, a, b));
        }
    }
    rows.sort_by(|x, y| y.0.total_cmp(&x.0));
    let show = std::env::var("SHOW").unwrap_or_default();
    for (s, class, a, b) in &rows {
        if show.contains(class) && *s >= 0.0 {
            println!(
                "{s:.3} {class} | {} | {}\n      {:?}\n      {:?}",
                items[*a].3, items[*b].3, texts[*a].tokens, texts[*b].tokens
            );
        }
    }
    // rank of true partner per entry
    let mut rank_hist = [0usize; 6];
    for a in 0..items.len() {
        let mut scored: Vec<(f64, usize)> = (0..items.len())
            .filter(|&b| b != a && items[b].1 == items[a].1 && items[b].2 != items[a].2)
            .map(|b| {
                (
                    corpus.cosine(a.min(b), a.max(b)) * contrast(&texts[a], &texts[b]),
                    b,
                )
            })
            .collect();
        scored.sort_by(|x, y| y.0.total_cmp(&x.0));
        let has_partner = items
            .iter()
            .enumerate()
            .any(|(b, i)| b != a && i.0 == items[a].0);
        if !has_partner {
            continue;
        }
        let r = scored
            .iter()
            .position(|(_, b)| items[*b].0 == items[a].0)
            .unwrap_or(99);
        rank_hist[r.min(5)] += 1;
    }
    println!("rank of best true partner (0..4, 5+): {rank_hist:?}");

    // per true pair: rank from each side
    let mut ranks: Vec<Vec<usize>> = vec![vec![]; items.len()];
    for a in 0..items.len() {
        let mut scored: Vec<(f64, usize)> = (0..items.len())
            .filter(|&b| b != a && items[b].1 == items[a].1 && items[b].2 != items[a].2)
            .map(|b| {
                (
                    corpus.cosine(a.min(b), a.max(b)) * contrast(&texts[a], &texts[b]),
                    b,
                )
            })
            .collect();
        scored.sort_by(|x, y| y.0.total_cmp(&x.0));
        let mut r = vec![999usize; items.len()];
        for (i, (_, b)) in scored.iter().enumerate() {
            r[*b] = i;
        }
        ranks[a] = r;
    }
    let mut minh = [0usize; 12];
    let mut maxh = [0usize; 12];
    let mut total = 0;
    for a in 0..items.len() {
        for b in a + 1..items.len() {
            if items[a].0 != items[b].0 || items[a].2 == items[b].2 {
                continue;
            }
            total += 1;
            let (x, y) = (ranks[a][b], ranks[b][a]);
            minh[x.min(y).min(11)] += 1;
            if x.min(y) >= 8 && std::env::var("DEEP").is_ok() {
                println!(
                    "DEEP {} {}|{}\n   {}\n   {:?}\n   {:?}",
                    x.min(y),
                    items[a].0,
                    items[a].3,
                    items[b].3,
                    texts[a].tokens,
                    texts[b].tokens
                );
            }
            maxh[x.max(y).min(11)] += 1;
        }
    }
    println!("true cross-region pairs {total}; min-rank hist (0..10, 11+) {minh:?}");
    println!("max-rank hist {maxh:?}");
}
