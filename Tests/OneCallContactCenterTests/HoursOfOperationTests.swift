import Foundation
import Testing

@testable import OneCallContactCenter

@Suite struct HoursOfOperationTests {
    func hours(_ json: String, file: String = "hours/test.json") throws -> HoursOfOperation {
        try HoursOfOperation(json: Data(json.utf8), file: file, defaultName: "test")
    }

    func expectError(_ code: ContactCenterDefinitionError.Code, _ json: String, item: String? = nil) {
        do {
            _ = try hours(json)
            Issue.record("expected \(code)")
        } catch let error as ContactCenterDefinitionError {
            #expect(error.code == code, "\(error)")
            #expect(error.file == "hours/test.json")
            if let item { #expect(error.item.contains(item), "\(error)") }
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    let weekdays = #"""
        {"Name": "office", "TimeZone": "America/New_York", "Config": [
          {"Day": "MONDAY", "StartTime": {"Hours": 9, "Minutes": 0}, "EndTime": {"Hours": 17, "Minutes": 30}},
          {"Day": "TUESDAY", "StartTime": {"Hours": "9", "Minutes": "0"}, "EndTime": {"Hours": 17, "Minutes": 30}}
        ], "Overrides": [
          {"Name": "Holiday", "Date": "2026-03-10", "Closed": true},
          {"Name": "Short day", "StartDate": "2026-03-16", "EndDate": "2026-03-16",
           "Config": [{"StartTime": {"Hours": 10, "Minutes": 0}, "EndTime": {"Hours": 12, "Minutes": 0}}]}
        ]}
        """#

    @Test func opensInItsOwnZone() throws {
        let office = try hours(weekdays)
        #expect(office.name == "office")
        // Monday 2026-03-02, New York is UTC-5.
        #expect(office.isOpen(at: local("America/New_York", 2026, 3, 2, 9, 0)))
        #expect(office.isOpen(at: utc(2026, 3, 2, 14, 0)))
        #expect(!office.isOpen(at: utc(2026, 3, 2, 13, 59)))
        #expect(office.isOpen(at: local("America/New_York", 2026, 3, 2, 17, 29)))
        #expect(!office.isOpen(at: local("America/New_York", 2026, 3, 2, 17, 30)))
        // Wednesday: no span.
        #expect(!office.isOpen(at: local("America/New_York", 2026, 3, 4, 12)))
    }

    @Test func holidayOverrideCloses() throws {
        let office = try hours(weekdays)
        #expect(office.isOpen(at: local("America/New_York", 2026, 3, 3, 12)))  // a normal Tuesday
        #expect(!office.isOpen(at: local("America/New_York", 2026, 3, 10, 12)))  // the holiday Tuesday
    }

    @Test func overrideWithItsOwnHours() throws {
        let office = try hours(weekdays)
        #expect(!office.isOpen(at: local("America/New_York", 2026, 3, 16, 9, 30)))
        #expect(office.isOpen(at: local("America/New_York", 2026, 3, 16, 11)))
        #expect(!office.isOpen(at: local("America/New_York", 2026, 3, 16, 13)))
    }

    @Test func overnightSpanContinuesIntoTheNextDay() throws {
        let night = try hours(
            #"{"Name": "night", "TimeZone": "Europe/Paris", "Config": [{"Day": "FRIDAY", "StartTime": {"Hours": 22, "Minutes": 0}, "EndTime": {"Hours": 6, "Minutes": 0}}]}"#
        )
        #expect(night.isOpen(at: local("Europe/Paris", 2026, 3, 6, 23)))  // Friday night
        #expect(night.isOpen(at: local("Europe/Paris", 2026, 3, 7, 5, 59)))  // Saturday morning
        #expect(!night.isOpen(at: local("Europe/Paris", 2026, 3, 7, 6)))
        #expect(!night.isOpen(at: local("Europe/Paris", 2026, 3, 5, 23)))  // Thursday night
    }

    @Test func midnightToMidnightIsAllDay() throws {
        let sunday = try hours(
            #"{"TimeZone": "Asia/Tokyo", "Config": [{"Day": "SUNDAY", "StartTime": {"Hours": 0, "Minutes": 0}, "EndTime": {"Hours": 0, "Minutes": 0}}]}"#
        )
        #expect(sunday.name == "test")
        #expect(sunday.isOpen(at: local("Asia/Tokyo", 2026, 3, 8, 0)))
        #expect(sunday.isOpen(at: local("Asia/Tokyo", 2026, 3, 8, 23, 59)))
        #expect(!sunday.isOpen(at: local("Asia/Tokyo", 2026, 3, 9, 0)))
        #expect(!sunday.isOpen(at: local("Asia/Tokyo", 2026, 3, 7, 23, 59)))
    }

    @Test func daylightSavingDayKeepsWallClockHours() throws {
        // 2026-03-08 is the spring-forward Sunday in New York: 02:00 → 03:00.
        let sunday = try hours(
            #"{"Name": "s", "TimeZone": "America/New_York", "Config": [{"Day": "SUNDAY", "StartTime": {"Hours": 1, "Minutes": 0}, "EndTime": {"Hours": 9, "Minutes": 0}}]}"#
        )
        let opens = local("America/New_York", 2026, 3, 8, 1)
        let closes = local("America/New_York", 2026, 3, 8, 9)
        #expect(closes - opens == 7 * 3600)  // the day is an hour short
        #expect(sunday.isOpen(at: opens))
        #expect(sunday.isOpen(at: utc(2026, 3, 8, 12, 59)))  // 08:59 EDT
        #expect(!sunday.isOpen(at: utc(2026, 3, 8, 13, 0)))  // 09:00 EDT
        #expect(!sunday.isOpen(at: opens - 1))
    }

    @Test func findsTheNextOpening() throws {
        let office = try hours(weekdays)
        // Wednesday noon → next Monday 09:00 (Tuesday the 10th is a holiday anyway, but this is the 4th).
        let next = office.nextOpening(atOrAfter: local("America/New_York", 2026, 3, 4, 12))
        #expect(next == local("America/New_York", 2026, 3, 9, 9))
        let openNow = local("America/New_York", 2026, 3, 2, 10)
        #expect(office.nextOpening(atOrAfter: openNow) == openNow)
        let never = HoursOfOperation(name: "never", timeZone: TimeZone(identifier: "UTC")!, spans: [])
        #expect(never.nextOpening(atOrAfter: 0) == nil)
    }

    @Test func refusesBadDefinitions() {
        expectError(.unknownTimeZone, #"{"Name": "x", "TimeZone": "Mars/Olympus", "Config": []}"#, item: "x")
        expectError(
            .invalidDay,
            #"{"Name": "x", "TimeZone": "UTC", "Config": [{"Day": "FUNDAY", "StartTime": {"Hours": 1, "Minutes": 0}, "EndTime": {"Hours": 2, "Minutes": 0}}]}"#,
            item: "x Config[0]")
        expectError(
            .invalidTime,
            #"{"Name": "x", "TimeZone": "UTC", "Config": [{"Day": "MONDAY", "StartTime": {"Hours": 24, "Minutes": 0}, "EndTime": {"Hours": 2, "Minutes": 0}}]}"#
        )
        expectError(
            .invalidTime,
            #"{"Name": "x", "TimeZone": "UTC", "Config": [{"Day": "MONDAY", "StartTime": {"Hours": 1, "Minutes": 60}, "EndTime": {"Hours": 2, "Minutes": 0}}]}"#
        )
        expectError(
            .invalidDate,
            #"{"Name": "x", "TimeZone": "UTC", "Overrides": [{"Name": "h", "Date": "2026-02-30", "Closed": true}]}"#,
            item: "Overrides[0]")
        expectError(
            .invalidDate,
            #"{"Name": "x", "TimeZone": "UTC", "Overrides": [{"Name": "h", "Date": "03/10/2026", "Closed": true}]}"#)
        expectError(
            .invalidDate,
            #"{"Name": "x", "TimeZone": "UTC", "Overrides": [{"Name": "h", "StartDate": "2026-03-10", "EndDate": "2026-03-01", "Closed": true}]}"#
        )
        expectError(
            .missingKey, #"{"Name": "x", "TimeZone": "UTC", "Overrides": [{"Name": "h", "Date": "2026-03-10"}]}"#)
        expectError(.missingKey, #"{"Name": "x"}"#)
        expectError(.invalidJSON, #"{"Name": "#)
    }
}
