import OneCallAnomaly
import Testing

@Suite struct AnomalyMonitorTests {
    /// A classifier-free monitor marks readings abnormal by the detector's score; a classifier
    /// decides instead when given. Each device has its own window; only the abnormal one crosses.
    @Test func onlyTheDeviceWhoseShareCrossesYieldsACrossing() throws {
        let table = CSVTable(
            columns: ["power", "label"],
            rows: (0..<200).map { index in
                index % 2 == 0 ? ["\(800 + index % 7)", "normal"] : ["\(1400 + index % 300)", "abnormal"]
            })
        let classifier = try ClassifierTrainer.train(
            table, options: .init(label: "label", positive: "abnormal"), trainedAt: 0
        ).classifier
        var monitor = AnomalyMonitor(
            configuration: .init(window: .init(period: 3600, threshold: 0.3, minimumReadings: 10)),
            classifier: classifier)
        var crossings: [AnomalyMonitor.Crossing] = []
        for step in 0..<400 {
            let time = Double(step) * 30
            for device in ["a", "b", "c"] {
                let power = device == "b" && step >= 150 ? 1500.0 : 880.0
                let observation = monitor.observe(
                    deviceID: device, reading: TelemetryReading(timestamp: time, numbers: ["power": power]))
                #expect(observation.abnormal == (power > 1200))
                if let crossing = observation.crossing { crossings.append(crossing) }
            }
        }
        #expect(crossings.count == 1)
        #expect(crossings.first?.deviceID == "b")
        #expect(crossings.first.map { $0.start == 4500 } == true, "\(crossings)")
        #expect(crossings.first.map { $0.share >= 0.3 } == true)
        #expect(monitor.states().map(\.deviceID) == ["a", "b", "c"])
        #expect(monitor.states(deviceID: "b").first?.isAbove == true)
    }

    @Test func theNumberOfDevicesIsBounded() {
        var monitor = AnomalyMonitor(configuration: .init(maximumDevices: 100))
        for index in 0..<1000 {
            _ = monitor.observe(
                deviceID: "d\(index)", reading: TelemetryReading(timestamp: Double(index), numbers: ["x": 1]))
        }
        #expect(monitor.deviceCount <= 100)
        #expect(monitor.evictedDevices >= 900)
        #expect(monitor.readings == 1000)
    }
}
