/// One NAB-format series (`timestamp,value` CSV) read with bounded input: capped rows, line length and size.
public struct NABSeries: Sendable, Hashable {
    /// Caps on what a series file may contain.
    public struct Limits: Sendable, Hashable {
        /// Most data rows accepted.
        public var maxRows: Int
        /// Longest line accepted, in bytes (excluding the line break).
        public var maxLineBytes: Int
        /// Largest file accepted, in bytes.
        public var maxFileBytes: Int

        /// Creates limits; the defaults are 10 million rows, 64 KiB lines and 1 GiB files.
        public init(maxRows: Int = 10_000_000, maxLineBytes: Int = 65_536, maxFileBytes: Int = 1 << 30) {
            self.maxRows = maxRows
            self.maxLineBytes = maxLineBytes
            self.maxFileBytes = maxFileBytes
        }
    }

    /// The timestamps exactly as written in the file.
    public var timestampTexts: [String]
    /// The values exactly as written in the file.
    public var valueTexts: [String]
    /// The timestamps in seconds since 1970 (UTC).
    public var timestamps: [Double]
    /// The parsed values.
    public var values: [Double]

    /// Parses CSV `bytes` (a header naming `timestamp` and `value` columns, then one row per observation);
    /// `name` is used in errors.
    public init(csv bytes: some Collection<UInt8>, name: String, limits: Limits = Limits()) throws(NABError) {
        timestampTexts = []
        valueTexts = []
        timestamps = []
        values = []
        guard bytes.count <= limits.maxFileBytes else {
            throw NABError(file: name, reason: "file is \(bytes.count) bytes, more than \(limits.maxFileBytes)")
        }
        var timestampColumn = -1
        var valueColumn = -1
        var columns = 0
        var lineNumber = 0
        var line: [UInt8] = []
        line.reserveCapacity(256)
        var index = bytes.startIndex
        while index != bytes.endIndex {
            line.removeAll(keepingCapacity: true)
            lineNumber += 1
            while index != bytes.endIndex, bytes[index] != 10 {
                guard line.count < limits.maxLineBytes + 1 else {
                    throw NABError(
                        file: name, line: lineNumber, reason: "line longer than \(limits.maxLineBytes) bytes")
                }
                line.append(bytes[index])
                bytes.formIndex(after: &index)
            }
            if index != bytes.endIndex { bytes.formIndex(after: &index) }
            if line.last == 13 { line.removeLast() }
            guard line.count <= limits.maxLineBytes else {
                throw NABError(file: name, line: lineNumber, reason: "line longer than \(limits.maxLineBytes) bytes")
            }
            let text = String(decoding: line, as: UTF8.self)
            let fields = text.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingWhitespace() }
            if lineNumber == 1 {
                columns = fields.count
                timestampColumn = fields.firstIndex(of: "timestamp") ?? -1
                valueColumn = fields.firstIndex(of: "value") ?? -1
                guard timestampColumn >= 0, valueColumn >= 0 else {
                    throw NABError(file: name, line: 1, reason: "header must name `timestamp` and `value` columns")
                }
                continue
            }
            if fields.count == 1 && fields[0].isEmpty { continue }
            guard fields.count == columns else {
                throw NABError(file: name, line: lineNumber, reason: "\(fields.count) fields, header has \(columns)")
            }
            guard values.count < limits.maxRows else {
                throw NABError(file: name, line: lineNumber, reason: "more than \(limits.maxRows) rows")
            }
            let stampText = fields[timestampColumn]
            guard let stamp = NABTimestamp.parse(stampText) else {
                throw NABError(file: name, line: lineNumber, reason: "bad timestamp \"\(stampText.prefix(64))\"")
            }
            let valueText = fields[valueColumn]
            guard let value = Double(valueText), value.isFinite else {
                throw NABError(file: name, line: lineNumber, reason: "bad number \"\(valueText.prefix(64))\"")
            }
            timestampTexts.append(String(stampText))
            valueTexts.append(String(valueText))
            timestamps.append(stamp)
            values.append(value)
        }
        guard lineNumber >= 1 else { throw NABError(file: name, reason: "empty file (no header)") }
    }

    /// Number of observations.
    public var count: Int { values.count }
}

extension Substring {
    /// The substring without leading and trailing spaces and tabs.
    fileprivate func trimmingWhitespace() -> Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" { result.removeFirst() }
        while let last = result.last, last == " " || last == "\t" { result.removeLast() }
        return result
    }
}
