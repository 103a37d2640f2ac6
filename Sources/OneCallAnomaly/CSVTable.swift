/// A CSV file read into memory (RFC 4180: comma-separated, optional double quotes with `""` inside,
/// CRLF or LF line ends), with a header row naming the columns. Bounded: a file over the limits is
/// refused with the line at which it went over.
public struct CSVTable: Sendable {
    /// How much a table may hold.
    public struct Limits: Sendable, Hashable {
        /// The most data rows.
        public var maximumRows: Int
        /// The most columns.
        public var maximumColumns: Int
        /// The longest line, in bytes.
        public var maximumLineBytes: Int

        public init(maximumRows: Int = 5_000_000, maximumColumns: Int = 256, maximumLineBytes: Int = 64 * 1024) {
            self.maximumRows = maximumRows
            self.maximumColumns = maximumColumns
            self.maximumLineBytes = maximumLineBytes
        }
    }

    /// The column names, from the header row.
    public let columns: [String]
    /// The data rows; each has exactly one field per column.
    public private(set) var rows: [[String]]

    /// Creates a table from column names and rows of the same width.
    public init(columns: [String], rows: [[String]]) {
        self.columns = columns
        self.rows = rows
    }

    /// The index of a column, by exact name.
    public func index(of column: String) -> Int? { columns.firstIndex(of: column) }

    /// Parses CSV text; the first record is the header. Empty lines are skipped.
    public init(parsing bytes: some Collection<UInt8>, limits: Limits = Limits()) throws(CSVError) {
        var reader = CSVRecordReader(limits: limits)
        var header: [String]?
        var rows: [[String]] = []
        var line = 1
        for byte in bytes {
            if let record = try reader.consume(byte, line: line) {
                try Self.add(record, header: &header, rows: &rows, line: reader.recordLine, limits: limits)
            }
            if byte == UInt8(ascii: "\n") { line += 1 }
        }
        if let record = try reader.finish(line: line) {
            try Self.add(record, header: &header, rows: &rows, line: reader.recordLine, limits: limits)
        }
        guard let header else { throw CSVError(line: 1, reason: "no header row") }
        self.columns = header
        self.rows = rows
    }

    private static func add(
        _ record: [String], header: inout [String]?, rows: inout [[String]], line: Int, limits: Limits
    ) throws(CSVError) {
        if record.count == 1 && record[0].isEmpty { return }
        guard let columns = header else {
            guard record.count <= limits.maximumColumns else {
                throw CSVError(line: line, reason: "more than \(limits.maximumColumns) columns")
            }
            var names = record.map { $0.trimmingSpaces }
            if let first = names.first, first.hasPrefix("\u{FEFF}") { names[0] = String(first.dropFirst()) }
            var seen = Set<String>()
            for name in names {
                guard !name.isEmpty else { throw CSVError(line: line, reason: "a column has no name") }
                guard seen.insert(name).inserted else {
                    throw CSVError(line: line, reason: "column '\(name)' appears twice")
                }
            }
            header = names
            return
        }
        guard record.count == columns.count else {
            throw CSVError(line: line, reason: "expected \(columns.count) fields, found \(record.count)")
        }
        guard rows.count < limits.maximumRows else {
            throw CSVError(line: line, reason: "more than \(limits.maximumRows) rows")
        }
        rows.append(record)
    }
}

/// Why a CSV file could not be read: the line and the reason.
public struct CSVError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The line (from 1) at which the problem was found.
    public var line: Int
    public var reason: String

    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }

    public var description: String { "line \(line): \(reason)" }
}

/// Splits CSV bytes into records, one byte at a time.
struct CSVRecordReader {
    let limits: CSVTable.Limits
    private var fields: [String] = []
    private var field: [UInt8] = []
    private var quoted = false
    private var quoteInQuoted = false
    private var fieldWasQuoted = false
    private var lineBytes = 0
    private var started = false
    /// The line on which the record most recently returned began.
    private(set) var recordLine = 1
    private var currentRecordLine = 1

    init(limits: CSVTable.Limits) {
        self.limits = limits
    }

    /// Takes one byte; returns a record when one ends.
    mutating func consume(_ byte: UInt8, line: Int) throws(CSVError) -> [String]? {
        if !started {
            started = true
            currentRecordLine = line
        }
        lineBytes += 1
        guard lineBytes <= limits.maximumLineBytes else {
            throw CSVError(line: line, reason: "line longer than \(limits.maximumLineBytes) bytes")
        }
        if quoted {
            if quoteInQuoted {
                quoteInQuoted = false
                if byte == UInt8(ascii: "\"") {
                    field.append(byte)
                    return nil
                }
                quoted = false
                // Fall through: the byte after a closing quote.
            } else if byte == UInt8(ascii: "\"") {
                quoteInQuoted = true
                return nil
            } else {
                if byte == UInt8(ascii: "\n") { lineBytes = 0 }
                field.append(byte)
                return nil
            }
        }
        switch byte {
        case UInt8(ascii: ","):
            try endField(line: line)
            return nil
        case UInt8(ascii: "\n"):
            try endField(line: line)
            return endRecord()
        case UInt8(ascii: "\r"):
            return nil
        case UInt8(ascii: "\""):
            guard field.isEmpty && !fieldWasQuoted else {
                throw CSVError(line: line, reason: "a quote inside an unquoted field")
            }
            quoted = true
            fieldWasQuoted = true
            return nil
        default:
            guard !fieldWasQuoted else { throw CSVError(line: line, reason: "text after a closing quote") }
            field.append(byte)
            return nil
        }
    }

    /// Ends the input; returns the last record if the file did not end with a line break.
    mutating func finish(line: Int) throws(CSVError) -> [String]? {
        if quoted && !quoteInQuoted { throw CSVError(line: currentRecordLine, reason: "a quoted field never ends") }
        quoted = false
        quoteInQuoted = false
        guard started else { return nil }
        try endField(line: line)
        return endRecord()
    }

    private mutating func endField(line: Int) throws(CSVError) {
        guard fields.count < limits.maximumColumns else {
            throw CSVError(line: line, reason: "more than \(limits.maximumColumns) fields")
        }
        guard let text = String(validating: field, as: UTF8.self) else {
            throw CSVError(line: line, reason: "a field is not UTF-8")
        }
        fields.append(text)
        field.removeAll(keepingCapacity: true)
        fieldWasQuoted = false
    }

    private mutating func endRecord() -> [String] {
        defer {
            fields.removeAll(keepingCapacity: true)
            lineBytes = 0
            started = false
        }
        recordLine = currentRecordLine
        return fields
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" })!
        return String(scalars[first...last])
    }
}
