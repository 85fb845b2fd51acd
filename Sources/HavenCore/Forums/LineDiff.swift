/// A line-by-line difference between two texts, for moderators reading a post's history.
enum LineDiff {
    /// The lines of `new` marked against `old`: `+ ` added, `- ` removed, `  ` unchanged. Texts too
    /// long for a full comparison are shown as everything removed, then everything added.
    static func lines(from old: String, to new: String) -> [String] {
        let a = old.isEmpty ? [] : old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard a.count * b.count <= 1_000_000 else { return a.map { "- " + $0 } + b.map { "+ " + $0 } }
        // Longest common subsequence lengths, from the end.
        var lengths = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                lengths[i][j] = a[i] == b[j] ? lengths[i + 1][j + 1] + 1 : max(lengths[i + 1][j], lengths[i][j + 1])
            }
        }
        var result: [String] = []
        var (i, j) = (0, 0)
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] {
                result.append("  " + a[i])
                i += 1
                j += 1
            } else if i < a.count, j == b.count || lengths[i + 1][j] >= lengths[i][j + 1] {
                result.append("- " + a[i])
                i += 1
            } else {
                result.append("+ " + b[j])
                j += 1
            }
        }
        return result
    }
}
