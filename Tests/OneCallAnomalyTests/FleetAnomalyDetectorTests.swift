import OneCallAnomaly
import Testing

@Suite("Fleet anomaly detector")
struct FleetAnomalyDetectorTests {
    static func reading(_ step: Int, value: Double) -> TelemetryReading {
        TelemetryReading(timestamp: Double(step * 30), numbers: ["value": value], words: ["state": "on"])
    }

    @Test func eachDeviceHasItsOwnDetector() {
        var fleet = FleetAnomalyDetector(capacity: 10, configuration: .init(warmUpReadings: 50))
        for step in 0..<300 {
            _ = fleet.update(deviceID: "a", reading: Self.reading(step, value: 10 + Double(step % 3)))
            _ = fleet.update(deviceID: "b", reading: Self.reading(step, value: 500 + Double(step % 3)))
        }
        // 500 is usual for b and far out for a.
        #expect(fleet.update(deviceID: "b", reading: Self.reading(300, value: 501)).value == 0)
        let score = fleet.update(deviceID: "a", reading: Self.reading(300, value: 501))
        #expect(score.value > 0.9)
        #expect(fleet.detector(for: "a")?.readings == 301)
        #expect(fleet.count == 2)
    }

    @Test func theLeastRecentlySeenDeviceIsEvictedAndCounted() {
        var fleet = FleetAnomalyDetector(capacity: 3)
        for device in ["a", "b", "c"] { _ = fleet.update(deviceID: device, reading: Self.reading(0, value: 1)) }
        _ = fleet.update(deviceID: "a", reading: Self.reading(1, value: 1))
        _ = fleet.update(deviceID: "d", reading: Self.reading(2, value: 1))
        #expect(fleet.evictions == 1)
        #expect(!fleet.contains("b"))
        #expect(fleet.contains("a") && fleet.contains("c") && fleet.contains("d"))
        _ = fleet.update(deviceID: "e", reading: Self.reading(3, value: 1))
        #expect(!fleet.contains("c"))
        _ = fleet.update(deviceID: "b", reading: Self.reading(4, value: 1))
        #expect(!fleet.contains("a"))
        #expect(fleet.detector(for: "b")?.readings == 1)
        #expect(fleet.evictions == 3)
        #expect(fleet.count == 3)
    }

    @Test func manyDevicesStayWithinTheBound() {
        var fleet = FleetAnomalyDetector(capacity: 100)
        for step in 0..<5000 {
            _ = fleet.update(deviceID: "device-\(step % 250)", reading: Self.reading(step, value: Double(step % 7)))
        }
        #expect(fleet.count == 100)
        #expect(fleet.evictions == 4900)
        var single = FleetAnomalyDetector(capacity: 1)
        _ = single.update(deviceID: "x", reading: Self.reading(0, value: 1))
        _ = single.update(deviceID: "y", reading: Self.reading(1, value: 1))
        #expect(single.count == 1 && single.contains("y") && single.evictions == 1)
    }
}
