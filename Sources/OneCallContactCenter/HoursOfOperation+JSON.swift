import Foundation
import OneCallCore

extension HoursOfOperation {
    /// Reads hours in Connect's JSON shape:
    ///
    /// ```json
    /// {"Name": "Support", "TimeZone": "Europe/Paris",
    ///  "Config": [{"Day": "MONDAY", "StartTime": {"Hours": 9, "Minutes": 0}, "EndTime": {"Hours": 17, "Minutes": 0}}],
    ///  "Overrides": [{"Name": "New Year", "Date": "2026-01-01", "Closed": true},
    ///                {"Name": "Inventory", "StartDate": "2026-03-02", "EndDate": "2026-03-03",
    ///                 "Config": [{"StartTime": {"Hours": 10, "Minutes": 0}, "EndTime": {"Hours": 12, "Minutes": 0}}]}]}
    /// ```
    ///
    /// `Name` defaults to `defaultName` (the file stem). Throws for an unknown zone, a bad day, hours or minutes
    /// out of range, and malformed dates, naming the file and the entry.
    public init(json: Data, file: String, defaultName: String? = nil) throws(ContactCenterDefinitionError) {
        let document = try DefinitionFields.parse(json, file: file, maximumBytes: Self.maximumBytes)
        try self.init(value: document, file: file, defaultName: defaultName)
    }

    /// Reads hours from a parsed JSON value (see ``init(json:file:defaultName:)``).
    public init(value: JSONValue, file: String, defaultName: String? = nil) throws(ContactCenterDefinitionError) {
        var fields = try DefinitionFields(value, file: file, item: defaultName ?? "(hours)")
        guard let name = try fields.string("Name", maximumBytes: 128) ?? defaultName, !name.isEmpty else {
            throw fields.error(.missingKey, "'Name' is required")
        }
        fields.item = name
        let zoneName = try fields.requiredString("TimeZone", maximumBytes: 64)
        guard let zone = TimeZone(identifier: zoneName) else {
            throw fields.error(.unknownTimeZone, "unknown time zone '\(zoneName)'")
        }
        var spans: [Span] = []
        for (position, entry) in (try fields.array("Config", maximumCount: Self.maximumSpans) ?? []).enumerated() {
            spans.append(try Self.span(entry, file: file, item: "\(name) Config[\(position)]", dayRequired: true))
        }
        var overrides: [Override] = []
        let overrideList = try fields.array("Overrides", maximumCount: Self.maximumOverrides) ?? []
        for (position, entry) in overrideList.enumerated() {
            overrides.append(try Self.override(entry, file: file, item: "\(name) Overrides[\(position)]"))
        }
        self.init(name: name, timeZone: zone, spans: spans, overrides: overrides)
    }

    private static func time(_ fields: DefinitionFields, _ key: String) throws(ContactCenterDefinitionError)
        -> TimeOfDay
    {
        guard let object = try fields.objectValue(key) else {
            throw fields.error(.missingKey, "'\(key)' is required")
        }
        let time = try DefinitionFields(.object(object), file: fields.file, item: fields.item)
        guard let hours = try? time.int("Hours", in: 0...23) else {
            throw fields.error(.invalidTime, "\(key).Hours must be 0 to 23")
        }
        guard let minutes = try? time.int("Minutes", in: 0...59) ?? 0 else {
            throw fields.error(.invalidTime, "\(key).Minutes must be 0 to 59")
        }
        return TimeOfDay(hours: hours, minutes: minutes)!
    }

    private static func span(_ value: JSONValue, file: String, item: String, dayRequired: Bool)
        throws(ContactCenterDefinitionError) -> Span
    {
        let fields = try DefinitionFields(value, file: file, item: item)
        var day: Day?
        if let dayName = try fields.string("Day", maximumBytes: 16) {
            guard let parsed = Day(rawValue: dayName.uppercased()) else {
                throw fields.error(.invalidDay, "'\(dayName)' is not a day (MONDAY … SUNDAY)")
            }
            day = parsed
        } else if dayRequired {
            throw fields.error(.invalidDay, "'Day' is required (MONDAY … SUNDAY)")
        }
        return Span(day: day, start: try time(fields, "StartTime"), end: try time(fields, "EndTime"))
    }

    private static func override(_ value: JSONValue, file: String, item: String) throws(ContactCenterDefinitionError)
        -> Override
    {
        var fields = try DefinitionFields(value, file: file, item: item)
        let name = try fields.string("Name", maximumBytes: 128) ?? item
        fields.item = "\(item) (\(name))"
        func date(_ key: String) throws(ContactCenterDefinitionError) -> Date? {
            guard let text = try fields.string(key, maximumBytes: 32) else { return nil }
            guard let date = Date(text) else {
                throw fields.error(.invalidDate, "\(key) '\(text)' is not a date (YYYY-MM-DD)")
            }
            return date
        }
        let start: Date
        let end: Date
        if let single = try date("Date") {
            start = single
            end = single
        } else if let first = try date("StartDate") {
            start = first
            end = try date("EndDate") ?? first
        } else {
            throw fields.error(.invalidDate, "needs Date, or StartDate and EndDate")
        }
        guard start <= end else { throw fields.error(.invalidDate, "EndDate is before StartDate") }
        let closed = try fields.bool("Closed") ?? false
        let entries = try fields.array("Config", maximumCount: Self.maximumSpans) ?? []
        if closed {
            guard entries.isEmpty else { throw fields.error(.invalidValue, "a Closed override has no Config") }
            return Override(name: name, startDate: start, endDate: end)
        }
        guard !entries.isEmpty else {
            throw fields.error(.missingKey, "needs \"Closed\": true or a Config with its hours")
        }
        var spans: [Span] = []
        for (position, entry) in entries.enumerated() {
            spans.append(try span(entry, file: file, item: "\(fields.item) Config[\(position)]", dayRequired: false))
        }
        return Override(name: name, startDate: start, endDate: end, spans: spans)
    }
}
