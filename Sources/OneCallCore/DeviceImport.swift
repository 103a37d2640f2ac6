/// Reads device descriptions for import: JSON (`{"devices": [...]}` as in the reference's
/// `devices.json`, or a bare array) or CSV with a header row naming the fields (RFC 4180 quoting).
public enum DeviceImport {
    /// The most devices one import takes.
    public static let maximumDevices = 100_000

    /// The descriptions in `bytes`, each an object with the registry's field names; empty CSV cells
    /// are left out. Fails on the first malformed record, naming it.
    public static func descriptions(from bytes: [UInt8]) throws(DeviceValidationError) -> [JSONObject] {
        looksLikeJSON(bytes) ? try jsonDescriptions(bytes) : try csvDescriptions(bytes)
    }

    /// Whether the text starts (after white space and a byte-order mark) with `{` or `[`.
    public static func looksLikeJSON(_ bytes: [UInt8]) -> Bool {
        let firstSignificant = bytes.first { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }
        return firstSignificant == UInt8(ascii: "{") || firstSignificant == UInt8(ascii: "[")
    }

    /// Descriptions from JSON: `{"devices": [...]}` or an array.
    public static func jsonDescriptions(_ bytes: [UInt8]) throws(DeviceValidationError) -> [JSONObject] {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: bytes, limits: JSONParseLimits(maximumBytes: 64 << 20, maximumDepth: 16))
        } catch {
            throw DeviceValidationError(field: "import", reason: error.description)
        }
        let list: [JSONValue]
        switch value {
        case .array(let elements): list = elements
        case .object(let object):
            guard let elements = object["devices"]?.arrayValue else {
                throw DeviceValidationError(field: "import", reason: "expected {\"devices\": [...]} or an array")
            }
            list = elements
        default: throw DeviceValidationError(field: "import", reason: "expected {\"devices\": [...]} or an array")
        }
        guard list.count <= maximumDevices else {
            throw DeviceValidationError(field: "import", reason: "more than \(maximumDevices) devices")
        }
        var result: [JSONObject] = []
        for (index, element) in list.enumerated() {
            guard let object = element.objectValue else {
                throw DeviceValidationError(field: "record \(index + 1)", reason: "expected an object")
            }
            result.append(object)
        }
        return result
    }

    /// Descriptions from CSV with a header row.
    public static func csvDescriptions(_ bytes: [UInt8]) throws(DeviceValidationError) -> [JSONObject] {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw DeviceValidationError(field: "import", reason: "CSV is not UTF-8")
        }
        let rows = try CSVRows.parse(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text)
        guard let header = rows.first else { return [] }
        let columns = header.map { $0.trimmingCharacters(in: " ") }
        guard columns.contains("device_id") || columns.contains("id") else {
            throw DeviceValidationError(field: "import", reason: "the CSV header must have a device_id column")
        }
        guard rows.count - 1 <= maximumDevices else {
            throw DeviceValidationError(field: "import", reason: "more than \(maximumDevices) devices")
        }
        var result: [JSONObject] = []
        for (index, row) in rows.dropFirst().enumerated() {
            if row.count == 1 && row[0].isEmpty { continue }
            guard row.count == columns.count else {
                throw DeviceValidationError(
                    field: "record \(index + 1)", reason: "\(row.count) cells where the header has \(columns.count)")
            }
            // Columns the registry does not know become attributes.
            var object = JSONObject()
            var attributes = JSONObject()
            for (column, cell) in zip(columns, row) where !cell.isEmpty {
                if Device.acceptedFields.contains(column) {
                    object[column] = .string(cell)
                } else {
                    attributes[column] = .string(cell)
                }
            }
            if !attributes.isEmpty { object["attributes"] = .object(attributes) }
            result.append(object)
        }
        return result
    }
}

/// A small RFC 4180 reader: comma-separated cells, quoted with `"` (doubled inside), rows ended by
/// CRLF or LF.
enum CSVRows {
    static func parse(_ text: String) throws(DeviceValidationError) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var cell = ""
        var quoted = false
        var afterQuote = false
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = iterator.next()
        while let scalar = pending {
            pending = iterator.next()
            if quoted {
                if scalar == "\"" {
                    if pending == "\"" {
                        cell.unicodeScalars.append("\"")
                        pending = iterator.next()
                    } else {
                        quoted = false
                        afterQuote = true
                    }
                } else {
                    cell.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where cell.isEmpty && !afterQuote:
                quoted = true
            case ",":
                row.append(cell)
                cell = ""
                afterQuote = false
            case "\r" where pending == "\n":
                break
            case "\n", "\r":
                row.append(cell)
                rows.append(row)
                row = []
                cell = ""
                afterQuote = false
            default:
                if afterQuote {
                    throw DeviceValidationError(
                        field: "record \(rows.count)", reason: "text after a closing quote")
                }
                cell.unicodeScalars.append(scalar)
            }
        }
        if quoted { throw DeviceValidationError(field: "record \(rows.count)", reason: "unterminated quote") }
        if !cell.isEmpty || !row.isEmpty || afterQuote {
            row.append(cell)
            rows.append(row)
        }
        return rows
    }
}

extension String {
    func trimmingCharacters(in characters: String) -> String {
        var scalars = Substring(self)
        while let first = scalars.first, characters.contains(first) { scalars.removeFirst() }
        while let last = scalars.last, characters.contains(last) { scalars.removeLast() }
        return String(scalars)
    }
}
