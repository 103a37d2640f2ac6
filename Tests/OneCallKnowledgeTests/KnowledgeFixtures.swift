import Foundation

/// Guides used by the knowledge tests, inline (the reference guide is a shared fixture file).
enum KnowledgeFixtures {
    /// The reference troubleshooting guide, from the repository's shared test fixtures.
    static let referenceGuide = sharedFixture("troubleshooting-guide.md")

    /// Headings in many styles, each over a section with one code.
    static let headingStyles = """
        Boiler and pump faults
        ======================

        Introduction text that mentions no code at all.

        ### F07 – Compressor overheat
        Diagnosis: Measure the discharge temperature.

        **Code P4 dry run**
        Diagnosis: Check the tank level.

        ERROR P9:
        Diagnosis: Check the pressure switch.

        4.1 ERR-12 Fan stalled
        Diagnosis: Check the fan fuse.

        Fault X21 (sensor open)
        Diagnosis: Reseat the sensor.

        Alarm 17 - Door open
        Diagnosis: Close the door.

        ## Sensor faults

        Code: E7
        Diagnosis: Replace the sensor.

        Code: E8
        Diagnosis: Recalibrate the sensor.

        ### Drift
        Error code: E9
        Diagnosis: Check the calibration.
        """
}

/// A file of `Tests/Fixtures`, the test data that several test targets share.
func sharedFixture(_ name: String, sourceFile: String = #filePath) -> String {
    let url = URL(fileURLWithPath: sourceFile).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent(name)
    guard let text = try? String(contentsOf: url, encoding: .utf8) else {
        fatalError("the shared test fixture \(url.path) is missing")
    }
    return text
}
