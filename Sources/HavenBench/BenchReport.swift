import Foundation

/// The one table `make bench` prints: each scenario's figure, the reference tool's figure from the
/// same run, their ratio and the target.
struct BenchReport {
    struct Row {
        var scenario: String
        var haven: Double
        var reference: Double
        var referenceName: String
        var unit: String
        /// The lowest acceptable haven/reference ratio, if the scenario has a target.
        var target: Double?
    }

    var rows: [Row] = []
    /// Figures without a reference tool, printed under the table.
    var notes: [String] = []

    func render() -> String {
        let header = ["scenario", "Haven", "reference", "ratio", "target", "verdict"]
        var lines: [[String]] = [header]
        for row in self.rows {
            let ratio = row.reference > 0 ? row.haven / row.reference : 0
            lines.append([
                row.scenario,
                "\(Self.format(row.haven)) \(row.unit)",
                "\(Self.format(row.reference)) \(row.unit) (\(row.referenceName))",
                "\(Int((ratio * 100).rounded()))%",
                row.target.map { "≥ \(Int($0 * 100))%" } ?? "-",
                row.target.map { ratio >= $0 ? "met" : "MISSED" } ?? "-",
            ])
        }
        let widths = header.indices.map { column in lines.map { $0[column].count }.max() ?? 0 }
        func render(_ cells: [String]) -> String {
            "| " + zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: " | ") + " |"
        }
        let rule = "|" + widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "|") + "|"
        return ([render(lines[0]), rule] + lines.dropFirst().map(render) + self.notes).joined(separator: "\n")
    }

    static func format(_ value: Double) -> String {
        let rounded = Int(value.rounded())
        var digits = String(rounded)
        var groups: [String] = []
        while digits.count > 3 {
            groups.insert(String(digits.suffix(3)), at: 0)
            digits.removeLast(3)
        }
        groups.insert(digits, at: 0)
        return groups.joined(separator: ",")
    }
}
