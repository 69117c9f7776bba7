//! Which entries become one: clustering of scored pairs under the editors' decisions.
//!
//! Clusters grow by complete linkage: two clusters join only when every member of one is at
//! least `threshold`-similar to every member of the other. Single linkage would chain "fees
//! charged to workers" to "fees charged to employers" through one entry that mentions both;
//! complete linkage checks a newcomer against the whole cluster, not one neighbour.
//!
//! Pairs are taken most similar first, ties by entry index, so the result depends only on the
//! scores and the indices, never on thread timing. The editors' `merge` decisions form the
//! starting clusters; their `keep_apart` decisions forbid any join that would put two of their
//! entries together.

use std::collections::BTreeMap;

/// What the editors decided, as entry indices.
#[derive(Debug, Clone, Default)]
pub struct Constraints {
    /// Groups that must end up in one cluster, whatever their similarity.
    pub together: Vec<Vec<usize>>,
    /// Pairs that must never end up in one cluster.
    pub apart: Vec<(usize, usize)>,
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
    for &&(a, b, _) in &eligible {
        let (ra, rb) = (state.root(a), state.root(b));
        if ra != rb && !state.kept_apart(ra, rb) && state.fully_linked(ra, rb, threshold) {
            state.join(ra, rb);
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
        State {
            parent: (0..n).collect(),
            members: (0..n).map(|i| vec![i]).collect(),
            neighbours,
            any_apart: !constraints.apart.is_empty(),
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

    /// Complete linkage: every member of one cluster at least `threshold`-similar to every
    /// member of the other.
    fn fully_linked(&self, ra: usize, rb: usize, threshold: f64) -> bool {
        self.members[ra].iter().all(|&a| {
            self.members[rb]
                .iter()
                .all(|&b| self.similarity(a, b).is_some_and(|s| s >= threshold))
        })
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
        let mut index_of_root: BTreeMap<usize, usize> = BTreeMap::new();
        let mut clusters = Vec::new();
        for (i, root) in roots.iter().enumerate() {
            if *root == i {
                index_of_root.insert(i, clusters.len());
                clusters.push(self.members[i].clone());
            }
        }
        let mut best: BTreeMap<(usize, usize), ((usize, usize), f64)> = BTreeMap::new();
        for &(a, b, s) in pairs {
            let (ra, rb) = (roots[a], roots[b]);
            if ra == rb || self.kept_apart(ra, rb) {
                continue;
            }
            let (ca, cb) = (index_of_root[&ra], index_of_root[&rb]);
            let (key, pair) = if ca < cb {
                ((ca, cb), (a, b))
            } else {
                ((cb, ca), (b, a))
            };
            let better = best.get(&key).is_none_or(|(_, old)| s > *old);
            if better {
                best.insert(key, (pair, s));
            }
        }
        let mut near_misses: Vec<NearMiss> = best
            .into_iter()
            .map(|(clusters, (pair, similarity))| NearMiss {
                clusters,
                pair,
                similarity,
            })
            .collect();
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
    use super::*;

    #[test]
    fn complete_linkage_does_not_chain() {
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
    fn editors_decide_over_similarity() {
        let pairs = [(0, 1, 0.9), (2, 3, 0.2)];
        let constraints = Constraints {
            together: vec![vec![2, 3]],
            apart: vec![(0, 1)],
        };
        let result = cluster(4, &pairs, 0.5, &constraints);
        assert_eq!(result.clusters, vec![vec![0], vec![1], vec![2, 3]]);
        assert!(result.near_misses.is_empty(), "kept apart: not suggested");
    }

    #[test]
    fn the_order_of_pairs_does_not_matter() {
        let mut pairs = vec![(0, 1, 0.6), (1, 2, 0.6), (0, 2, 0.4), (3, 4, 0.7)];
        let first = cluster(5, &pairs, 0.5, &Constraints::default());
        pairs.reverse();
        assert_eq!(cluster(5, &pairs, 0.5, &Constraints::default()), first);
        assert_eq!(first.clusters, vec![vec![0, 1], vec![2], vec![3, 4]]);
    }
}
