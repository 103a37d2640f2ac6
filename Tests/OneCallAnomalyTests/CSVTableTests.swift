import OneCallAnomaly
import Testing

@Suite struct CSVTableTests {
    @Test func readsQuotedFieldsCRLFAndAByteOrderMark() throws {
        let text = "\u{FEFF}a,b,c\r\n1,\"x, \"\"y\"\"\",3\r\n\r\n4,\"multi\nline\",6"
        let table = try CSVTable(parsing: Array(text.utf8))
        #expect(table.columns == ["a", "b", "c"])
        #expect(table.rows == [["1", "x, \"y\"", "3"], ["4", "multi\nline", "6"]])
    }

    @Test func refusesMalformedInputNamingTheLine() {
        let cases: [(String, Int, String)] = [
            ("a,b\n1,2\n3\n", 3, "expected 2 fields, found 1"),
            ("a,a\n", 1, "appears twice"),
            ("a,b\n1,\"open\n", 2, "never ends"),
            ("a,b\n1,x\"y\n", 2, "a quote inside an unquoted field"),
            ("a,b\n1,\"x\"y\n", 2, "text after a closing quote"),
            ("", 1, "no header row"),
        ]
        for (text, line, reason) in cases {
            #expect {
                _ = try CSVTable(parsing: Array(text.utf8))
            } throws: { error in
                guard let error = error as? CSVError else { return false }
                return error.line == line && error.reason.contains(reason)
            }
        }
    }

    @Test func limitsRowsColumnsAndLineLength() {
        let limits = CSVTable.Limits(maximumRows: 2, maximumColumns: 3, maximumLineBytes: 20)
        #expect(throws: CSVError.self) { _ = try CSVTable(parsing: Array("a\n1\n2\n3\n".utf8), limits: limits) }
        #expect(throws: CSVError.self) { _ = try CSVTable(parsing: Array("a,b,c,d\n".utf8), limits: limits) }
        #expect(throws: CSVError.self) {
            _ = try CSVTable(parsing: Array(("a\n" + String(repeating: "x", count: 30) + "\n").utf8), limits: limits)
        }
        #expect(throws: CSVError.self) { _ = try CSVTable(parsing: [0x61, 0x0A, 0xFF, 0x0A]) }
    }
}
