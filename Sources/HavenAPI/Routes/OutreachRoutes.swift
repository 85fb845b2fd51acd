import Foundation
import HavenCore
import Hummingbird

/// The staff's outreach directory: organisations by country, region, kind, thematic area and
/// name, with their engagement, and the audience the result makes.
enum OutreachRoutes {
    /// A directory entry: the organisation with its region and engagement.
    struct Entry: Encodable {
        let organisation: Organisation
        let region: String?
        let members: Int
        let consultationsInvited: Int
        let consultationsAnswered: Int
        let eventsAttended: Int

        init(_ entry: OutreachEntry) {
            self.organisation = entry.organisation
            self.region = entry.region
            self.members = entry.members
            self.consultationsInvited = entry.consultationsInvited
            self.consultationsAnswered = entry.consultationsAnswered
            self.eventsAttended = entry.eventsAttended
        }
    }

    /// The result, and the audience of its organisations: as a consultation or an event takes it.
    struct Result: Encodable {
        struct Audience: Encodable {
            let organisations: [UUID]
        }

        let organisations: [Entry]
        let audience: Audience
    }

    /// A comma-separated list whose every item `parse` accepts (nil otherwise, or when empty).
    static func list<Value>(_ parse: @escaping (String) -> Value?) -> (String) -> [Value]? {
        { text in
            guard text.codePoints <= 1_000 else { return nil }
            let items = text.split(separator: ",", omittingEmptySubsequences: false).map { parse(String($0)) }
            guard !items.isEmpty, items.allSatisfy({ $0 != nil }) else { return nil }
            return items.compactMap { $0 }
        }
    }

    static func routes(services: HavenServices) -> [APIRoute] {
        let outreach = services.outreach
        return [
            APIRoute(.get, "/outreach/organisations", audience: .signedIn(scope: .admin)) { request, context in
                let actor = try context.requireActor()
                let country = list { text in text.count == 2 && text.allSatisfy { $0.isASCII && $0.isLetter } ? text.uppercased() : nil }
                let region = list { OutreachFilter.knownRegions.contains($0) ? $0 : nil }
                let filter = OutreachFilter(
                    countries: try request.query("country", country) ?? [],
                    regions: try request.query("region", region) ?? [],
                    kinds: try request.query("kind", list(OrganisationKind.init(rawValue:))) ?? [],
                    thematicAreas: try request.query("thematic_area", list(ThematicArea.init(rawValue:))) ?? [],
                    text: try request.query("q") { $0.codePoints <= 200 ? $0 : nil }.flatMap { $0.isEmpty ? nil : $0 },
                    status: try request.query("status", OrganisationStatus.init(rawValue:))
                )
                let entries = try await outreach.search(filter, by: actor)
                return JSONBody.snakeCase(
                    Result(organisations: entries.map(Entry.init), audience: .init(organisations: entries.map(\.organisation.id)))
                )
            }
        ]
    }
}
