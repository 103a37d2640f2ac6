import Foundation
import OneCallCore

/// When a queue or an operator takes calls, in Amazon Connect's shape: a name, an IANA time zone, weekly
/// spans, and dated overrides for holidays or special hours.
///
/// A span whose end is at or before its start runs overnight into the next day; `00:00`–`00:00` is the whole
/// day. An override replaces the weekly spans that start on its dates (a span that began the evening before
/// still runs to its end). Times are wall-clock times in the zone, so a span keeps its local hours across a
/// daylight-saving change; a start in the skipped hour moves forward with the clock.
public struct HoursOfOperation: Sendable, Hashable {
    /// The largest hours file accepted.
    public static let maximumBytes = 256 * 1024
    /// The most weekly spans.
    public static let maximumSpans = 100
    /// The most overrides.
    public static let maximumOverrides = 1000

    /// A day of the week, as Connect spells it.
    public enum Day: String, Sendable, Hashable, CaseIterable {
        /// Sunday.
        case sunday = "SUNDAY"
        /// Monday.
        case monday = "MONDAY"
        /// Tuesday.
        case tuesday = "TUESDAY"
        /// Wednesday.
        case wednesday = "WEDNESDAY"
        /// Thursday.
        case thursday = "THURSDAY"
        /// Friday.
        case friday = "FRIDAY"
        /// Saturday.
        case saturday = "SATURDAY"

        /// Calendar's weekday number: 1 is Sunday.
        var weekday: Int { Day.allCases.firstIndex(of: self)! + 1 }
    }

    /// A wall-clock time of day.
    public struct TimeOfDay: Sendable, Hashable, Comparable {
        /// 0…23.
        public var hours: Int
        /// 0…59.
        public var minutes: Int

        /// A time; nil when out of range.
        public init?(hours: Int, minutes: Int) {
            guard (0...23).contains(hours), (0...59).contains(minutes) else { return nil }
            self.hours = hours
            self.minutes = minutes
        }

        /// Earlier in the day first.
        public static func < (lhs: TimeOfDay, rhs: TimeOfDay) -> Bool {
            (lhs.hours, lhs.minutes) < (rhs.hours, rhs.minutes)
        }
    }

    /// Open from `start` to `end` on `day` (or, in an override, on any day when `day` is nil).
    public struct Span: Sendable, Hashable {
        /// The day the span starts on; nil in an override means every day of the override.
        public var day: Day?
        /// When it opens.
        public var start: TimeOfDay
        /// When it closes; at or before `start` means the next day.
        public var end: TimeOfDay

        /// A span from values.
        public init(day: Day?, start: TimeOfDay, end: TimeOfDay) {
            self.day = day
            self.start = start
            self.end = end
        }
    }

    /// A calendar date.
    public struct Date: Sendable, Hashable, Comparable {
        /// The year.
        public var year: Int
        /// 1…12.
        public var month: Int
        /// 1…31.
        public var day: Int

        /// Reads `YYYY-MM-DD`; nil when malformed or not a real date.
        public init?(_ text: String) {
            let parts = text.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
                parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
                let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
            else { return nil }
            self.init(year: year, month: month, day: day)
            let days = [31, Self.isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
            guard (1...12).contains(month), (1...days[month - 1]).contains(day) else { return nil }
        }

        /// A date from values (not checked).
        public init(year: Int, month: Int, day: Int) {
            self.year = year
            self.month = month
            self.day = day
        }

        private static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

        /// Earlier dates first.
        public static func < (lhs: Date, rhs: Date) -> Bool {
            (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
        }
    }

    /// Hours that replace the weekly spans on some dates: closed, or open only during `spans`.
    public struct Override: Sendable, Hashable {
        /// What it is (`New Year`).
        public var name: String
        /// The first date.
        public var startDate: Date
        /// The last date (inclusive).
        public var endDate: Date
        /// The spans on those dates; empty means closed.
        public var spans: [Span]

        /// An override from values.
        public init(name: String, startDate: Date, endDate: Date, spans: [Span] = []) {
            self.name = name
            self.startDate = startDate
            self.endDate = endDate
            self.spans = spans
        }

        /// Whether the override is a closure.
        public var isClosed: Bool { spans.isEmpty }
    }

    /// The name that queues and rosters refer to.
    public var name: String
    /// The zone the times are in.
    public var timeZone: TimeZone
    /// The weekly spans.
    public var spans: [Span]
    /// Dated overrides; when several cover a date, the first listed wins.
    public var overrides: [Override]

    /// Hours from values.
    public init(name: String, timeZone: TimeZone, spans: [Span], overrides: [Override] = []) {
        self.name = name
        self.timeZone = timeZone
        self.spans = spans
        self.overrides = overrides
    }

    /// Open every day, all day, in UTC.
    public static func always(name: String = "always") -> HoursOfOperation {
        let midnight = TimeOfDay(hours: 0, minutes: 0)!
        return HoursOfOperation(
            name: name, timeZone: TimeZone(identifier: "UTC")!,
            spans: Day.allCases.map { Span(day: $0, start: midnight, end: midnight) })
    }

    private var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    /// Whether the hours are open at `time` (seconds since 1970).
    public func isOpen(at time: Double) -> Bool {
        let calendar = calendar
        let today = localDate(time, calendar)
        for date in [calendar.adding(days: -1, to: today), today] {
            for interval in intervals(starting: date, calendar) where interval.contains(time) { return true }
        }
        return false
    }

    /// The first time at or after `time` when the hours are open, looking at most `days` ahead (default 8);
    /// nil when they stay closed that long.
    public func nextOpening(atOrAfter time: Double, withinDays days: Int = 8) -> Double? {
        if isOpen(at: time) { return time }
        let calendar = calendar
        let today = localDate(time, calendar)
        var best: Double?
        for offset in 0...max(0, days) {
            let date = calendar.adding(days: offset, to: today)
            for interval in intervals(starting: date, calendar) where interval.lowerBound > time {
                if best == nil || interval.lowerBound < best! { best = interval.lowerBound }
            }
            if best != nil { break }
        }
        guard let best, best - time <= Double(max(0, days)) * 86_400 + 7200 else { return nil }
        return best
    }

    /// The spans that start on `date`: an override's if one covers it, else the weekly ones for its weekday.
    func spans(startingOn date: Date, _ calendar: Calendar) -> [Span] {
        let weekday = calendar.weekday(of: date)
        if let override = overrides.first(where: { $0.startDate <= date && date <= $0.endDate }) {
            return override.spans.filter { $0.day == nil || $0.day!.weekday == weekday }
        }
        return spans.filter { $0.day?.weekday == weekday }
    }

    private func intervals(starting date: Date, _ calendar: Calendar) -> [Range<Double>] {
        spans(startingOn: date, calendar).compactMap { span in
            let start = calendar.instant(date, span.start)
            let endDate = span.end <= span.start ? calendar.adding(days: 1, to: date) : date
            let end = calendar.instant(endDate, span.end)
            return start < end ? start..<end : nil
        }
    }

    private func localDate(_ time: Double, _ calendar: Calendar) -> Date {
        let parts = calendar.dateComponents([.year, .month, .day], from: Foundation.Date(timeIntervalSince1970: time))
        return Date(year: parts.year!, month: parts.month!, day: parts.day!)
    }
}

extension Calendar {
    fileprivate func instant(_ date: HoursOfOperation.Date, _ time: HoursOfOperation.TimeOfDay) -> Double {
        let components = DateComponents(
            year: date.year, month: date.month, day: date.day, hour: time.hours, minute: time.minutes)
        return self.date(from: components)!.timeIntervalSince1970
    }

    fileprivate func adding(days: Int, to date: HoursOfOperation.Date) -> HoursOfOperation.Date {
        let noon = DateComponents(year: date.year, month: date.month, day: date.day, hour: 12)
        let moved = self.date(byAdding: .day, value: days, to: self.date(from: noon)!)!
        let parts = dateComponents([.year, .month, .day], from: moved)
        return HoursOfOperation.Date(year: parts.year!, month: parts.month!, day: parts.day!)
    }

    fileprivate func weekday(of date: HoursOfOperation.Date) -> Int {
        let noon = DateComponents(year: date.year, month: date.month, day: date.day, hour: 12)
        return component(.weekday, from: self.date(from: noon)!)
    }
}
