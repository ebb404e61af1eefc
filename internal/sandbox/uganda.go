package sandbox

import (
	"time"

	"github.com/idgate/idgate"
)

const laboremusEndpoint = "POST /idv/api/requests"

// ugCard returns a NIRA record of a valid national ID card.
func ugCard(nin, card, surname, given, other, birth, gender string) *idgate.Record {
	return &idgate.Record{
		Country: idgate.Uganda, IDType: idgate.NIN, Number: nin,
		FirstNames: given, MiddleNames: other, LastName: surname, BirthDate: birth, Gender: gender,
		UG: &idgate.UGPerson{OtherNames: other, CardNumber: card, CardExpiry: "2032-06-30", CardStatus: "Valid", NINStatus: "Active"},
	}
}

// uganda is the Laboremus (NIRA card verification) sandbox. Requests are
// asynchronous: each case says what GET /idv/api/requests/{id} shows once
// the request has left Pending. The match, name-mismatch and birth-date
// cases share one card: what differs is what the client sends.
func uganda(time.Time) []Identity {
	grace := ugCard("CF12345678901A", "001234567", "Akello", "Grace", "Nansubuga", "1990-04-12", "F")
	expired := ugCard("CM98765432109B", "007654321", "Opio", "Okello", "", "1985-10-09", "M")
	expired.UG.CardExpiry, expired.UG.CardStatus = "2021-03-31", "Expired"
	niraErr := ugCard("CM11112222333C", "003332221", "Mugisha", "Daniel", "", "1979-01-20", "M")
	slow := ugCard("CF44445555666D", "005556667", "Namutebi", "Sarah", "", "1995-07-07", "F")
	down := ugCard("CM77778888999E", "008889990", "Ssempa", "Joseph", "", "1988-02-14", "M")

	card := func(r *idgate.Record, names, c, expect string) Identity {
		return Identity{Dialect: idgate.DialectLaboremus, Endpoint: laboremusEndpoint, Country: idgate.Uganda,
			IDType: idgate.NIN, Number: r.Number, Names: names, Case: c, Expect: expect, Record: r}
	}
	sameCard := func(names, c, expect string) Identity {
		id := card(grace, names, c, expect)
		id.Record = nil // seeded by the match case
		return id
	}
	fault := func(id Identity, f idgate.Fault) Identity {
		f.Country, f.IDType, f.Number = id.Country, id.IDType, id.Number
		id.Fault = &f
		return id
	}
	return []Identity{
		card(grace, "Grace Nansubuga Akello, card 001234567, born 1990-04-12", "card matches",
			"Completed; resultJson matchingStatus true, cardStatus \"Valid\", status \"Ok\", ninStatus \"Active\", isError false"),
		sameCard("surname Odongo (card 001234567, born 1990-04-12)", "name mismatch",
			"Completed; matchingStatus false, cardStatus \"Valid\", isError false"),
		sameCard("Grace Akello, card 001234567, born 1991-04-12", "birth-date mismatch",
			"Completed; matchingStatus false, cardStatus \"Valid\", isError false"),
		card(expired, "Okello Opio, card 007654321, born 1985-10-09", "expired card",
			"Completed; matchingStatus false, cardStatus \"Expired\", isError false"),
		{Dialect: idgate.DialectLaboremus, Endpoint: laboremusEndpoint, Country: idgate.Uganda, IDType: idgate.NIN,
			Number: "CM00000000000X", Names: "any", Case: "NIN not found",
			Expect: "Completed; matchingStatus false, isError true, error {code \"NIN_NOT_FOUND\", message \"Person Not Found\"}"},
		fault(card(niraErr, "Daniel Mugisha, card 003332221, born 1979-01-20", "NIRA error",
			"Failed; isError true, error {code \"NIRA-500\", message \"NIRA internal error\"}"), idgate.Fault{Kind: idgate.FaultError, Code: "NIRA-500"}),
		fault(card(slow, "Sarah Namutebi, card 005556667, born 1995-07-07", "slow NIRA",
			"Pending with submittedAt for about 5 s, then Completed with matchingStatus true"), idgate.Fault{Kind: idgate.FaultSlow, Latency: 5 * time.Second}),
		fault(card(down, "Joseph Ssempa, card 008889990, born 1988-02-14", "NIRA down",
			"Pending (submittedAt set, receivedFromNira null) while idgate retries with backoff; Failed with REGISTRY_UNAVAILABLE after the last attempt"), idgate.Fault{Kind: idgate.FaultDown}),
	}
}
