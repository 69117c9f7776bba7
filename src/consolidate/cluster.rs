//! Which entries become one: clustering of scored pairs under the editors' decisions.
//!
//! Clusters grow by average linkage with a floor: two clusters join when the mean similarity
//! of their members across them is at least the threshold, and no pair across them is less
//! than [`LINK_FLOOR`] times the threshold. A newcomer is checked against the whole cluster,
//! not one neighbour: single linkage would chain "fees charged to workers" to "fees charged to
//! employers" through one entry that mentions both, and the floor refuses a newcomer that is
//! unlike any one member, however alike it is to the others.
//!
//! Complete linkage (every pair at least at the threshold) was the first rule; it split
//! concerns that four regions worded each close to the cluster but not every one of the six
//! pairs clearing the threshold. The mean with a floor keeps those clusters whole at the same
//! precision.
//!
//! Pairs are taken most similar first, ties by entry index, in passes until no cluster joins
//! (a join can make a pair of clusters that failed earlier pass the mean), so the result
//! depends only on the scores and the indices, never on thread timing. The editors' `merge`
//! decisions form the starting clusters; their `keep_apart` decisions forbid any join that would put two of their
//! entries together.

use std::collections::HashSet;

/// The lowest similarity any pair across two joining clusters may have, as a fraction of the
/// threshold. Lower floors let a cluster take in an entry that shares only a place name with
/// one member (a floor of 0.25 merges "excluded from labour law" with "excluded from social
/// security"); higher ones approach complete linkage and its lost recall.
pub const LINK_FLOOR: f64 = 0.8;

/// What the editors decided, as entry indices.
#[derive(Debug, Clone, Default)]
pub struct Constraints {
    /// Groups that must end up in one cluster, whatever their similarity.
    pub together: Vec<Vec<usize>>,
    /// Pairs that must never end up in one cluster.
    pub apart: Vec<(usize, usize)>,
    /// Entries that are exact copies of an earlier one, as `(copy, original)`, for what the
    /// similarity sees: each is in its original's cluster, and counts in its linkage as one
    /// more member. Copies have no pairs of their own, so that hundreds of copies of one
    /// concern cost no more than one entry with a weight (a copy is never named by a merge or
    /// keep-apart decision).
    pub copies: Vec<(usize, usize)>,
}

/// Two clusters that did not join although some of their members are alike: what `consolidate
/// review` offers the editors as a suggestion.
#[derive(Debug, Clone, PartialEq)]
pub struct NearMiss {
    /// The two clusters, as indices into [`Clustering::clusters`], the smaller first.
    pub clusters: (usize, usize),
    /// The most similar pair of entries across them, one from each cluster, in that order.
    pub pair: (usize, usize),
    /// Their similarity.
    pub similarity: f64,
}

/// The outcome: every entry in exactly one cluster, and the near-misses between clusters.
#[derive(Debug, Clone, PartialEq)]
pub struct Clustering {
    /// Clusters of entry indices, members ascending, clusters ordered by their first member.
    pub clusters: Vec<Vec<usize>>,
    /// Pairs of clusters with a pair of members at or above the suggestion floor that were not
    /// joined (below the threshold, or another member disagreed), most similar first. Pairs the
    /// editors keep apart are not suggested again.
    pub near_misses: Vec<NearMiss>,
}

/// Clusters `n` entries from their scored pairs `(i, j, similarity)` with `i < j`: pairs not
/// listed count as dissimilar. Pairs at or above `threshold` may join clusters; every listed
/// pair that ends up across two clusters is a near-miss candidate.
#[must_use]
pub fn cluster(
    n: usize,
    pairs: &[(usize, usize, f64)],
    threshold: f64,
    constraints: &Constraints,
) -> Clustering {
    let mut state = State::new(n, pairs, constraints);
    for group in &constraints.together {
        for window in group.windows(2) {
            state.join(window[0], window[1]);
        }
    }
    let mut eligible: Vec<&(usize, usize, f64)> =
        pairs.iter().filter(|(_, _, s)| *s >= threshold).collect();
    eligible.sort_by(|a, b| b.2.total_cmp(&a.2).then((a.0, a.1).cmp(&(b.0, b.1))));
    let floor = threshold * LINK_FLOOR;
    // Two clusters that failed to link stay unlinked until one of them grows: a cluster is
    // known by its root (its smallest member) and its size, since clusters only ever grow.
    // Without this, many near-copies of one concern split in two clusters would be checked
    // against each other once for every pair across them, in every pass.
    let mut failed: HashSet<(usize, usize, usize, usize)> = HashSet::new();
    loop {
        let mut joined = false;
        for &&(a, b, _) in &eligible {
            let (ra, rb) = (state.root(a), state.root(b));
            if ra == rb {
                continue;
            }
            let (ra, rb) = (ra.min(rb), ra.max(rb));
            let key = (ra, rb, state.members[ra].len(), state.members[rb].len());
            if failed.contains(&key) {
                continue;
            }
            if !state.kept_apart(ra, rb) && state.linked(ra, rb, threshold, floor) {
                state.join(ra, rb);
                joined = true;
            } else {
                failed.insert(key);
            }
        }
        if !joined {
            break;
        }
    }
    state.finish(pairs)
}

/// Union-find over entries, with each cluster's members and the similarities for linkage checks.
struct State {
    parent: Vec<usize>,
    members: Vec<Vec<usize>>,
    /// For each entry, its listed neighbours and their similarity, neighbour ascending.
    neighbours: Vec<Vec<(usize, f64)>>,
    /// For each entry, the entries the editors keep apart from it.
    apart: Vec<Vec<usize>>,
    /// How many entries each one stands for: itself and its copies (0 for a copy).
    weight: Vec<usize>,
    /// The copies and their originals.
    copies: Vec<(usize, usize)>,
    /// Whether there is any keep-apart decision at all (most builds have none).
    any_apart: bool,
}

impl State {
    /// Every entry its own cluster, with the pairs indexed by entry for linkage checks.
    fn new(n: usize, pairs: &[(usize, usize, f64)], constraints: &Constraints) -> State {
        let mut neighbours: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
        for &(a, b, s) in pairs {
            neighbours[a].push((b, s));
            neighbours[b].push((a, s));
        }
        for list in &mut neighbours {
            list.sort_by_key(|(other, _)| *other);
        }
        let mut apart: Vec<Vec<usize>> = vec![Vec::new(); n];
        for &(a, b) in &constraints.apart {
            apart[a].push(b);
            apart[b].push(a);
        }
        let mut weight = vec![1; n];
        for &(copy, original) in &constraints.copies {
            weight[copy] = 0;
            weight[original] += 1;
        }
        State {
            weight,
            parent: (0..n).collect(),
            members: (0..n).map(|i| vec![i]).collect(),
            neighbours,
            any_apart: !constraints.apart.is_empty(),
            copies: constraints.copies.clone(),
            apart,
        }
    }

    /// The root of an entry's cluster (with path halving).
    fn root(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    /// Joins two clusters; the root is always the smallest member, so roots are canonical.
    fn join(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.root(a), self.root(b));
        if ra == rb {
            return;
        }
        let (keep, gone) = (ra.min(rb), ra.max(rb));
        self.parent[gone] = keep;
        let moved = std::mem::take(&mut self.members[gone]);
        let mut merged = std::mem::take(&mut self.members[keep]);
        merged.extend(moved);
        merged.sort_unstable();
        self.members[keep] = merged;
    }

    /// The listed similarity of two entries; `None` when the pair was below the floor.
    fn similarity(&self, a: usize, b: usize) -> Option<f64> {
        let list = &self.neighbours[a];
        list.binary_search_by_key(&b, |(other, _)| *other)
            .ok()
            .map(|i| list[i].1)
    }

    /// Whether two clusters may join: the mean similarity across them at least `threshold`,
    /// and every pair across them at least `floor` (a pair not listed counts as unlike).
    /// Each member counts as many times as the entries it stands for.
    fn linked(&self, ra: usize, rb: usize, threshold: f64, floor: f64) -> bool {
        let (mut sum, mut pairs) = (0.0, 0usize);
        for &a in &self.members[ra] {
            for &b in &self.members[rb] {
                let times = self.weight[a] * self.weight[b];
                match self.similarity(a, b) {
                    Some(s) if s >= floor => sum += s * times as f64,
                    _ => return false,
                }
                pairs += times;
            }
        }
        sum / pairs as f64 >= threshold
    }

    /// Whether the editors keep some member of one cluster apart from some member of the other.
    fn kept_apart(&mut self, ra: usize, rb: usize) -> bool {
        if !self.any_apart {
            return false;
        }
        let members = self.members[ra].clone();
        members.into_iter().any(|a| {
            let partners = self.apart[a].clone();
            partners.into_iter().any(|b| self.root(b) == rb)
        })
    }

    /// The clusters in canonical order and the near-misses between them.
    fn finish(mut self, pairs: &[(usize, usize, f64)]) -> Clustering {
        let n = self.parent.len();
        let roots: Vec<usize> = (0..n).map(|i| self.root(i)).collect();
        // A root's cluster index (only roots' slots are used).
        let mut index_of_root: Vec<usize> = vec![usize::MAX; n];
        let mut clusters = Vec::new();
        for (i, root) in roots.iter().enumerate() {
            if *root == i && self.weight[i] > 0 {
                index_of_root[i] = clusters.len();
                clusters.push(self.members[i].clone());
            }
        }
        for &(copy, original) in &self.copies {
            clusters[index_of_root[roots[original]]].push(copy);
        }
        for members in &mut clusters {
            members.sort_unstable();
        }
        // Every listed pair across two clusters, then the most similar pair of each two
        // clusters: sorted by the clusters, most similar first, and the first of each run.
        let mut across: Vec<NearMiss> = pairs
            .iter()
            .filter_map(|&(a, b, similarity)| {
                let (ra, rb) = (roots[a], roots[b]);
                if ra == rb {
                    return None;
                }
                let (ca, cb) = (index_of_root[ra], index_of_root[rb]);
                let (clusters, pair) = if ca < cb {
                    ((ca, cb), (a, b))
                } else {
                    ((cb, ca), (b, a))
                };
                Some(NearMiss {
                    clusters,
                    pair,
                    similarity,
                })
            })
            .collect();
        across.sort_unstable_by(|x, y| {
            x.clusters
                .cmp(&y.clusters)
                .then(y.similarity.total_cmp(&x.similarity))
                .then(x.pair.cmp(&y.pair))
        });
        across.dedup_by_key(|miss| miss.clusters);
        let mut near_misses: Vec<NearMiss> = Vec::with_capacity(across.len());
        for miss in across {
            let (ra, rb) = (roots[miss.pair.0], roots[miss.pair.1]);
            if !self.kept_apart(ra, rb) {
                near_misses.push(miss);
            }
        }
        near_misses.sort_by(|a, b| {
            b.similarity
                .total_cmp(&a.similarity)
                .then(a.clusters.cmp(&b.clusters))
        });
        Clustering {
            clusters,
            near_misses,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::float_cmp, reason = "the scores compared are the ones given")]

    use super::*;

    #[test]
    fn a_newcomer_must_be_near_every_member_not_one() {
        // 0 ~ 1 and 1 ~ 2, but 0 and 2 are unlike: 1 joins one of them, never both.
        let pairs = [(0, 1, 0.9), (1, 2, 0.8), (0, 2, 0.1)];
        let result = cluster(3, &pairs, 0.5, &Constraints::default());
        assert_eq!(result.clusters, vec![vec![0, 1], vec![2]]);
        assert_eq!(result.near_misses.len(), 1);
        assert_eq!(result.near_misses[0].pair, (1, 2));
        assert_eq!(result.near_misses[0].similarity, 0.8);
    }

    #[test]
    fn a_cluster_takes_members_alike_to_all_of_it() {
        let pairs = [(0, 1, 0.9), (1, 2, 0.8), (0, 2, 0.7), (2, 3, 0.95)];
        let result = cluster(4, &pairs, 0.5, &Constraints::default());
        // 2 ~ 3 is the strongest pair, so 2 joins 3 first; then {0, 1} and {2, 3} cannot join
        // because 0 and 3, 1 and 3 are unlike.
        assert_eq!(result.clusters, vec![vec![0, 1], vec![2, 3]]);
    }

    #[test]
    fn a_newcomer_joins_on_the_mean_but_never_below_the_floor() {
        // 2 is close to 0 and a little under the threshold with 1: the mean, 0.5, clears it.
        let pairs = [(0, 1, 0.9), (0, 2, 0.6), (1, 2, 0.42)];
        let result = cluster(3, &pairs, 0.5, &Constraints::default());
        assert_eq!(result.clusters, vec![vec![0, 1, 2]]);
        // With 1 below the floor (0.8 × 0.5 = 0.4), a high mean is not enough.
        let pairs = [(0, 1, 0.9), (0, 2, 0.9), (1, 2, 0.39)];
        let result = cluster(3, &pairs, 0.5, &Constraints::default());
        assert_eq!(result.clusters, vec![vec![0, 1], vec![2]]);
        // Not listed at all counts as unlike.
        let pairs = [(0, 1, 0.9), (0, 2, 0.9)];
        let result = cluster(3, &pairs, 0.5, &Constraints::default());
        assert_eq!(result.clusters, vec![vec![0, 1], vec![2]]);
    }

    #[test]
    fn two_clusters_join_when_the_mean_across_them_clears_the_threshold() {
        let pairs = [
            (0, 1, 0.95),
            (2, 3, 0.9),
            (0, 2, 0.55),
            (0, 3, 0.45),
            (1, 2, 0.55),
            (1, 3, 0.45),
        ];
        let result = cluster(4, &pairs, 0.5, &Constraints::default());
        // {0, 1} and {2, 3}: mean (0.55 + 0.45 + 0.55 + 0.45) / 4 = 0.5, every pair ≥ 0.4.
        assert_eq!(result.clusters, vec![vec![0, 1, 2, 3]]);
    }

    #[test]
    fn editors_decide_over_similarity() {
        let pairs = [(0, 1, 0.9), (2, 3, 0.2)];
        let constraints = Constraints {
            together: vec![vec![2, 3]],
            apart: vec![(0, 1)],
            ..Constraints::default()
        };
        let result = cluster(4, &pairs, 0.5, &constraints);
        assert_eq!(result.clusters, vec![vec![0], vec![1], vec![2, 3]]);
        assert!(result.near_misses.is_empty(), "kept apart: not suggested");
    }

    #[test]
    fn copies_join_their_original_and_weigh_in_its_linkage() {
        // 2 is a copy of 0. Without it, {0, 1} and 3 average (0.9 + 0.61) / 2 = 0.755, under
        // the threshold; with the copy counted, (0.9 · 2 + 0.61) / 3 ≈ 0.80 clears it.
        let pairs = [(0, 1, 0.9), (0, 3, 0.9), (1, 3, 0.61)];
        let result = cluster(4, &pairs, 0.76, &Constraints::default());
        assert_eq!(result.clusters, vec![vec![0, 1], vec![2], vec![3]]);
        let constraints = Constraints {
            copies: vec![(2, 0)],
            ..Constraints::default()
        };
        let result = cluster(4, &pairs, 0.76, &constraints);
        assert_eq!(result.clusters, vec![vec![0, 1, 2, 3]]);
    }

    #[test]
    fn many_copies_of_two_concerns_make_two_clusters() {
        // Two concerns of 60 copies each: alike within, unlike across, every pair listed.
        let mut pairs = Vec::new();
        for a in 0..120 {
            for b in a + 1..120 {
                let same = (a < 60) == (b < 60);
                pairs.push((a, b, if same { 0.9 } else { 0.45 }));
            }
        }
        let result = cluster(120, &pairs, 0.5, &Constraints::default());
        assert_eq!(result.clusters.len(), 2);
        assert_eq!(result.clusters[0], (0..60).collect::<Vec<_>>());
        assert_eq!(result.near_misses.len(), 1);
    }
}
