import Foundation
import Testing

@testable import OneCallAnomaly

/// A fresh temporary directory, removed by the caller.
private func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "nab-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

private func write(_ text: String, to path: String) throws {
    let directory = (path as NSString).deletingLastPathComponent
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
}

/// A NAB-format series of `count` five-minute rows.
private func seriesText(count: Int) -> String {
    var text = "timestamp,value\n"
    for index in 0..<count {
        let minutes = index * 5
        let day = 1 + minutes / 1440
        let hour = minutes % 1440 / 60
        let minute = minutes % 60
        let stamp = "2014-04-\(pad(day)) \(pad(hour)):\(pad(minute)):00"
        text += "\(stamp),\(Double(index % 50) * 1.5)\n"
    }
    return text
}

private func pad(_ number: Int) -> String { number < 10 ? "0\(number)" : "\(number)" }

@Test private func runnerWritesOneResultFilePerSeries() throws {
    let root = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: root) }
    try write(seriesText(count: 700), to: root + "/data/catA/first.csv")
    try write(seriesText(count: 20), to: root + "/data/catB/second.csv")
    try write("not a series", to: root + "/data/README.md")
    let report = try NABRunner(dataDirectory: root + "/data", outputDirectory: root + "/out", detector: .onecall).run()
    #expect(report.files == 2)
    #expect(report.rows == 720)
    let output = try String(contentsOfFile: root + "/out/onecall/catA/onecall_first.csv", encoding: .utf8)
    let lines = output.split(separator: "\n")
    #expect(lines.count == 701)
    #expect(lines[0] == "timestamp,value,anomaly_score,label")
    #expect(lines[1].hasPrefix("2014-04-01 00:00:00,0.0,"))
    #expect(lines[1].hasSuffix(",0"))
    for line in lines.dropFirst() {
        let fields = line.split(separator: ",")
        #expect(fields.count == 4)
        let score = Double(fields[2]) ?? -1
        #expect(score >= 0 && score <= 1)
    }
    #expect(FileManager.default.fileExists(atPath: root + "/out/onecall/catB/onecall_second.csv"))
}

@Test(arguments: [
    ("timestamp,value\n2014-04-01 00:00:00,1\n2014-04-01 00:05:00,abc\n", 3, "bad number"),
    ("timestamp,value\n2014-04-01 00:00:00,1\n2014-13-01 00:05:00,2\n", 3, "bad timestamp"),
    ("timestamp,value\n2014-04-01 00:00:00,nan\n", 2, "bad number"),
    ("timestamp,value\n2014-04-01 00:00:00,1,2\n", 2, "fields"),
    ("time,number\n2014-04-01 00:00:00,1\n", 1, "header"),
])
private func runnerRejectsMalformedRows(text: String, line: Int, reason: String) throws {
    let root = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: root) }
    try write(text, to: root + "/data/cat/bad.csv")
    let runner = NABRunner(dataDirectory: root + "/data", outputDirectory: root + "/out", detector: .zscore)
    let error = #expect(throws: NABError.self) { try runner.run() }
    #expect(error?.line == line)
    #expect(error?.file.hasSuffix("cat/bad.csv") == true)
    #expect(error?.description.contains("bad.csv:\(line): ") == true)
    #expect(error?.reason.contains(reason) == true)
}

@Test private func runnerCapsRowsAndLineLength() throws {
    let root = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: root) }
    try write(seriesText(count: 10), to: root + "/data/cat/long.csv")
    let rows = NABRunner(
        dataDirectory: root + "/data", outputDirectory: root + "/out", detector: .zscore,
        limits: NABSeries.Limits(maxRows: 5))
    let rowError = #expect(throws: NABError.self) { try rows.run() }
    #expect(rowError?.reason.contains("more than 5 rows") == true)
    #expect(rowError?.line == 7)
    let longLine = "2014-04-01 00:00:00," + String(repeating: "1", count: 200)
    try write("timestamp,value\n" + longLine + "\n", to: root + "/data/cat/long.csv")
    let lines = NABRunner(
        dataDirectory: root + "/data", outputDirectory: root + "/out", detector: .zscore,
        limits: NABSeries.Limits(maxLineBytes: 100))
    let lineError = #expect(throws: NABError.self) { try lines.run() }
    #expect(lineError?.reason.contains("longer than 100 bytes") == true)
    #expect(lineError?.line == 2)
}

@Test private func runnerRejectsAMissingDirectoryAndBadNames() throws {
    let root = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: root) }
    #expect(throws: NABError.self) {
        try NABRunner(dataDirectory: root + "/missing", outputDirectory: root + "/out", detector: .zscore).run()
    }
    try FileManager.default.createDirectory(atPath: root + "/data", withIntermediateDirectories: true)
    let badName = NABRunner(
        dataDirectory: root + "/data", outputDirectory: root + "/out", detectorName: "../escape",
        makeDetector: { UnivariateZScoreDetector() })
    #expect(throws: NABError.self) { try badName.run() }
}

@Test private func timestampsParseLikeNAB() {
    #expect(NABTimestamp.parse("1970-01-01 00:00:00") == 0)
    #expect(NABTimestamp.parse("2014-04-01 00:00:00") == 1_396_310_400)
    #expect(NABTimestamp.parse("2014-04-10 16:15:00.500000") == 1_397_146_500.5)
    #expect(NABTimestamp.parse("2016-02-29T12:00:00") == 1_456_747_200)
    #expect(NABTimestamp.parse("2015-02-29 12:00:00") == nil)
    #expect(NABTimestamp.parse("2014-04-01") == nil)
    #expect(NABTimestamp.parse("2014-04-01 24:00:00") == nil)
    #expect(NABTimestamp.parse("2014/04/01 00:00:00") == nil)
}
