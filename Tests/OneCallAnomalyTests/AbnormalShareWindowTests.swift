import OneCallAnomaly
import Testing

@Suite struct AbnormalShareWindowTests {
    @Test func crossesOnceAtTheThresholdAndRecoversWhenTheShareFalls() {
        var window = AbnormalShareWindow(configuration: .init(period: 3600, threshold: 0.3, minimumReadings: 10))
        var time = 0.0
        // An hour of normal readings, one every 30 s.
        for _ in 0..<120 {
            #expect(window.add(timestamp: time, abnormal: false) == .none)
            time += 30
        }
        // Abnormal from here: 30 % of the 120 readings in the window is 36.
        let firstAbnormal = time
        var crossings: [AbnormalShareWindow.Transition] = []
        var crossedAfter = 0
        for index in 1...200 {
            let transition = window.add(timestamp: time, abnormal: true)
            if transition != .none {
                crossings.append(transition)
                if crossedAfter == 0 { crossedAfter = index }
            }
            time += 30
        }
        #expect(crossings == [.crossed(start: firstAbnormal, end: firstAbnormal + Double(crossedAfter - 1) * 30)])
        #expect((36...38).contains(crossedAfter))
        #expect(window.isAbove)
        #expect(window.readings <= 121)
        // Normal again: the share falls below 30 % after about 84 more readings.
        var recoveries = 0
        for _ in 0..<240 {
            if window.add(timestamp: time, abnormal: false) == .recovered { recoveries += 1 }
            time += 30
        }
        #expect(recoveries == 1)
        #expect(!window.isAbove)
        #expect(window.share == 0)
    }

    @Test func needsTheMinimumReadingsAndIgnoresReadingsOlderThanThePeriod() {
        var window = AbnormalShareWindow(configuration: .init(period: 600, threshold: 0.5, minimumReadings: 5))
        for second in 0..<4 { #expect(window.add(timestamp: Double(second), abnormal: true) == .none) }
        #expect(window.add(timestamp: 4, abnormal: true) == .crossed(start: 0, end: 4))
        #expect(window.add(timestamp: 5000, abnormal: false) == .recovered)
        #expect(window.add(timestamp: 10, abnormal: true) == .none)
        #expect(window.lateReadings == 1)
        #expect(window.readings == 1)
    }

    @Test func memoryDoesNotGrowWithTheReadingRate() {
        var window = AbnormalShareWindow(configuration: .init(period: 60, threshold: 0.3, buckets: 60))
        for index in 0..<100_000 { _ = window.add(timestamp: Double(index) / 1000, abnormal: index % 3 == 0) }
        #expect(window.readings == 60_000)
        #expect(abs(window.share - 1.0 / 3) < 0.01)
    }
}
