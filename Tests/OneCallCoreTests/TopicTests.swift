import OneCallCore
import Testing

@Suite struct TopicTests {
    @Test(arguments: [
        ("sport/tennis/player1/#", "sport/tennis/player1", true),
        ("sport/tennis/player1/#", "sport/tennis/player1/ranking", true),
        ("sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon", true),
        ("sport/#", "sport", true),
        ("#", "sport/tennis", true),
        ("sport/tennis/+", "sport/tennis/player1", true),
        ("sport/tennis/+", "sport/tennis/player1/ranking", false),
        ("sport/+", "sport", false),
        ("sport/+", "sport/", true),
        ("+/+", "/finance", true),
        ("/+", "/finance", true),
        ("+", "/finance", false),
        ("#", "$SYS/broker", false),
        ("+/monitor/Clients", "$SYS/monitor/Clients", false),
        ("$SYS/#", "$SYS/monitor/Clients", true),
        ("$SYS/monitor/+", "$SYS/monitor/Clients", true),
        ("a/b", "a/b", true),
        ("a/b", "a/b/c", false),
        ("a//c", "a//c", true),
        ("a/+/c", "a//c", true),
        ("a/b/#", "a", false),
        ("+/#", "a", true),
        ("a/b", "a", false),
        ("a", "a/b", false),
        ("+/+", "a", false),
    ])
    func matching(filter: String, name: String, expected: Bool) {
        #expect(Topic.matches(filter: filter, name: name) == expected)
    }

    @Test(arguments: ["sport/tennis#", "sport/tennis/#/ranking", "sport+", "a/#b", "+a", "", "a\u{0}b"])
    func invalidFilters(_ filter: String) {
        #expect(throws: TopicError.self) { try Topic.validateFilter(filter) }
    }

    @Test(arguments: ["#", "+", "+/+/#", "sport/+/player1", "/", "a//b", "$SYS/#"])
    func validFilters(_ filter: String) throws {
        try Topic.validateFilter(filter)
    }

    @Test func namesRejectWildcardsAndEmpty() {
        #expect(throws: TopicError(code: .wildcardInName)) { try Topic.validateName("a/+/b") }
        #expect(throws: TopicError(code: .wildcardInName)) { try Topic.validateName("a/#") }
        #expect(throws: TopicError(code: .empty)) { try Topic.validateName("") }
        #expect(throws: TopicError(code: .tooLong)) { try Topic.validateName(String(repeating: "a", count: 65_536)) }
    }

    @Test func sharedFilters() throws {
        let shared = try SharedFilter(parsing: "$share/workers/aircon/#")
        #expect(shared.group == "workers")
        #expect(shared.filter == "aircon/#")
        #expect(shared.text == "$share/workers/aircon/#")
        let plain = try SharedFilter(parsing: "aircon/+/errors")
        #expect(plain.group == nil)
        #expect(throws: TopicError(code: .invalidShare)) { try SharedFilter(parsing: "$share/workers") }
        #expect(throws: TopicError(code: .invalidShare)) { try SharedFilter(parsing: "$share//a") }
        #expect(throws: TopicError(code: .invalidShare)) { try SharedFilter(parsing: "$share/a+b/c") }
        #expect(throws: TopicError.self) { try SharedFilter(parsing: "$share/g/a#") }
    }

    /// The level-walking matcher agrees with a plain split-and-compare one on random filters and names.
    @Test func matchingAgreesWithASplitReference() {
        func reference(_ filter: String, _ name: String) -> Bool {
            let f = filter.split(separator: "/", omittingEmptySubsequences: false)
            let n = name.split(separator: "/", omittingEmptySubsequences: false)
            if name.hasPrefix("$") && (f[0] == "+" || f[0] == "#") { return false }
            for (index, level) in f.enumerated() {
                if level == "#" { return true }
                guard index < n.count else { return false }
                if level != "+" && level != n[index] { return false }
            }
            return f.count == n.count
        }
        var generator = SeededRandomNumberGenerator(seed: 11)
        let filterLevels = ["a", "b", "", "+", "$x"]
        let nameLevels = ["a", "b", "", "$x"]
        for _ in 0..<20_000 {
            var filter = (0..<Int.random(in: 1...4, using: &generator)).map { _ in
                filterLevels.randomElement(using: &generator)!
            }
            if Bool.random(using: &generator) { filter.append("#") }
            let name = (0..<Int.random(in: 1...4, using: &generator)).map { _ in
                nameLevels.randomElement(using: &generator)!
            }
            let f = filter.joined(separator: "/")
            let n = name.joined(separator: "/")
            #expect(Topic.matches(filter: f, name: n) == reference(f, n), "\(f) ~ \(n)")
        }
    }
}
