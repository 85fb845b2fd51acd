import Foundation
import Testing

@testable import HavenAPI

/// Query parameters parse as the OpenAPI document's formats say.
@Suite struct QueryParameterTests {
    @Test func datesAreRFC3339DateTimes() {
        let noon = Date(timeIntervalSince1970: 1_795_694_400)  // 2026-11-26T12:00:00Z
        #expect(Parse.date("2026-11-26T12:00:00Z") == noon)
        #expect(Parse.date("2026-11-26t12:00:00z") == noon)
        #expect(Parse.date("2026-11-26T13:30:00+01:30") == noon)
        #expect(Parse.date("2026-11-26T12:00:00.250Z") == noon.addingTimeInterval(0.25))
        #expect(Parse.date("2026-11-25T16:56:00-19:04") == noon, "offsets up to ±23:59, as RFC 3339 allows")
        #expect(Parse.date("0333-10-25T05:17:27.228-19:04") != nil)
        for bad in ["2026-02-30T00:00:00Z", "2026-11-26T24:00:00Z", "2026-11-26 12:00:00Z", "2026-11-26T12:00:00", "yesterday", ""] {
            #expect(Parse.date(bad) == nil, "\(bad)")
        }
    }
}
