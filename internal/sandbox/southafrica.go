package sandbox

import (
	"fmt"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/idnumber"
)

const (
	rsaEndpoint     = "POST /Citizen/RSAIDVerification"
	refugeeEndpoint = "POST /Citizen/RefugeeVerification"
)

// saID builds a valid South African ID number; the sandbox's inputs are
// constants, so an error is a bug.
func saID(birth string, seq, citizenship int) string {
	d, err := time.Parse("2006-01-02", birth)
	if err != nil {
		panic(fmt.Sprintf("sandbox birth date %s: %v", birth, err))
	}
	n, err := idnumber.MakeSAID(d, seq, citizenship)
	if err != nil {
		panic(fmt.Sprintf("sandbox ID number: %v", err))
	}
	return n
}

// citizen returns an NPR record with the usual fields of a living,
// unblocked citizen.
func citizen(number, first, last, birth, gender string, photo []byte) *idgate.Record {
	return &idgate.Record{
		Country: idgate.SouthAfrica, IDType: idgate.NationalID, Number: number,
		FirstNames: first, LastName: last, BirthDate: birth, Gender: gender, Photo: photo,
		ZA: &idgate.ZACitizen{
			SmartCardIssued: true, IDIssueDate: "20150312", IDSequenceNumber: "1",
			MaritalStatus: "Single", OnHANIS: photo != nil, OnNPR: true,
			BirthPlaceCountryCode: "ZAF", BirthPlaceCountry: "South Africa",
		},
	}
}

func southAfrica(now time.Time) []Identity {
	withPhoto := citizen(saID("1985-07-14", 5123, 0), "Thabo Johannes", "Mokoena", "1985-07-14", "M", Photo("za_citizen.jpg"))
	noPhoto := citizen(saID("1992-03-02", 1234, 0), "Naledi", "Dlamini", "1992-03-02", "F", nil)
	dead := citizen(saID("1941-11-30", 6001, 0), "Pieter Willem", "van der Merwe", "1941-11-30", "M", nil)
	dead.ZA.Dead, dead.ZA.DateOfDeath = true, "2021-06-09"
	dead.ZA.MaritalStatus, dead.ZA.DateOfMarriage = "Married", "1968-04-20"
	blocked := citizen(saID("1979-02-17", 2222, 0), "Zanele", "Khumalo", "1979-02-17", "F", nil)
	blocked.ZA.Blocked = true
	deleted := citizen(saID("1990-09-09", 7777, 0), "Sipho", "Ndlovu", "1990-09-09", "M", nil)
	deleted.ZA.MarkedForDeletion = true
	cachedDown := citizen(saID("1988-12-01", 4321, 0), "Lerato", "Molefe", "1988-12-01", "F", nil)
	photoOnly := citizen(saID("1995-05-25", 5555, 1), "Kagiso", "Sithole", "1995-05-25", "M", Photo("za_citizen.jpg"))
	timeout := citizen(saID("1983-08-08", 3333, 0), "Ayanda", "Zulu", "1983-08-08", "F", nil)

	ids := []Identity{
		za(withPhoto, "found with photo", "Status Success; names score 100 for Thabo Johannes Mokoena; FacialImage with HANISImageRequired; FaceString with the za_citizen selfie matches", "za_citizen_selfie.jpg"),
		za(noPhoto, "found without photo", "Status Success; FacialImageAvailable false; a FaceString gives FaceResult null", ""),
		za(dead, "deceased", "Status Success; DeadIndicator true, DateOfDeath 2021-06-09", ""),
		za(blocked, "blocked", "Status Success; IDBlocked true", ""),
		za(deleted, "marked for deletion", "Status Failure; Message \"600 - IDNR marked for 'Deletion' on the NPR\"", ""),
		{Dialect: idgate.DialectSecureCitizen, Endpoint: rsaEndpoint, Country: idgate.SouthAfrica, IDType: idgate.NationalID,
			Number: saID("2001-01-01", 8888, 0), Case: "valid number not on the register",
			Expect: "Status Failure; Message \"800 - IDNR is valid, but is not found on the NPR\""},
		withFault(za(cachedDown, "register down, cached record", "with IdentityCache true: CachedResult true and CacheDate two days ago; without: 504 \"Failure to get response - Error: Task cancelled, DHA is down\"", ""), idgate.FaultDown, true),
		withFault(Identity{Dialect: idgate.DialectSecureCitizen, Endpoint: rsaEndpoint, Country: idgate.SouthAfrica, IDType: idgate.NationalID,
			Number: saID("1975-04-04", 1111, 0), Case: "register down, no cached record",
			Expect: "504 \"Failure to get response - Error: Task cancelled, DHA is down\" whatever the cache flags"}, idgate.FaultDown, false),
		withFault(za(photoOnly, "NPR down, photo only", "Status Success; Message \"10088 - NPR Not available, only photo is returned\"; FacialImage set, name fields empty", "za_citizen_selfie.jpg"), idgate.FaultPhotoOnly, false),
		withFault(za(timeout, "SAFPS timeout", "with SAFPSRequired: Message \"SAFPS Fetch Timed out. No cache record found.\", SAFPSResults null", ""), idgate.FaultFraudDown, false),
	}
	for i, l := range []struct{ ref, category, first, last, birth string }{
		{"PR00000001", "Protective Registration", "Johan", "Botha", "1970-10-10"},
		{"VICTIM00000001", "Identity Theft", "Precious", "Mahlangu", "1987-01-23"},
		{"SH00000001", "Impersonation", "Bongani", "Nkosi", "1993-06-16"},
	} {
		rec := citizen(saID(l.birth, 5100+i, 0), l.first, l.last, l.birth, "M", nil)
		if i == 1 {
			rec.Gender = "F"
			rec.Number = saID(l.birth, 1100, 0)
		}
		id := za(rec, "SAFPS listed ("+l.ref[:len(l.ref)-8]+")", "with SAFPSRequired: SAFPSResults with filing "+l.ref+" ("+l.category+")", "")
		id.Listings = []idgate.FraudListing{{
			Country: idgate.SouthAfrica, IDNumber: rec.Number, FirstName: l.first, Surname: l.last,
			BirthDate: l.birth, ReferenceNo: l.ref, Category: l.category,
		}}
		ids = append(ids, id)
	}
	return append(ids, refugees()...)
}

func za(r *idgate.Record, c, expect, selfie string) Identity {
	return Identity{
		Dialect: idgate.DialectSecureCitizen, Endpoint: rsaEndpoint, Country: r.Country, IDType: r.IDType,
		Number: r.Number, Names: r.FirstNames + " " + r.LastName, Case: c, Expect: expect, Selfie: selfie, Record: r,
	}
}

func withFault(id Identity, kind idgate.FaultKind, cached bool) Identity {
	id.Fault = &idgate.Fault{Country: id.Country, IDType: id.IDType, Number: id.Number, Kind: kind}
	id.Cached = cached
	return id
}

func refugee(file, first, last, birth, gender string, photo []byte) *idgate.Record {
	return &idgate.Record{
		Country: idgate.SouthAfrica, IDType: idgate.RefugeeFile, Number: file,
		FirstNames: first, LastName: last, BirthDate: birth, Gender: gender, Photo: photo,
		Refugee: &idgate.ZARefugee{
			CountryOfOrigin: "Democratic Republic of the Congo", Nationality: "Congolese",
			OfficeOfApplication: "Johannesburg", FileStatus: "Active",
			PermitNumber: "PTA/2023/0045871", PermitExpiry: "2027-02-12", RefugeeIDNumber: saID(birth, 5301, 2),
		},
	}
}

func refugees() []Identity {
	found := refugee("JHBCOD00123456", "Espoir", "Mukendi", "1990-01-01", "F", Photo("za_refugee.jpg"))
	noPhoto := refugee("CTRSOM00765432", "Abdi", "Hassan", "1986-05-12", "M", nil)
	noPhoto.Refugee.CountryOfOrigin, noPhoto.Refugee.Nationality, noPhoto.Refugee.OfficeOfApplication = "Somalia", "Somali", "Cape Town"
	lapsed := refugee("DBNETH00246810", "Tigist", "Bekele", "1994-11-03", "F", nil)
	lapsed.Refugee.CountryOfOrigin, lapsed.Refugee.Nationality, lapsed.Refugee.FileStatus = "Ethiopia", "Ethiopian", "Lapsed"
	lapsed.Refugee.AlternativeFileNumber = "DBNETH00246811"
	cachedDown := refugee("PTAZWE00135790", "Tendai", "Moyo", "1989-08-21", "M", nil)
	cachedDown.Refugee.CountryOfOrigin, cachedDown.Refugee.Nationality = "Zimbabwe", "Zimbabwean"
	ref := func(r *idgate.Record, c, expect, selfie string) Identity {
		id := za(r, c, expect, selfie)
		id.Endpoint = refugeeEndpoint
		return id
	}
	return []Identity{
		ref(found, "refugee found with photo", "Status Success; firstNameResult \"100\"; facialImage with NIISImageRequired; FaceString with the za_refugee selfie matches", "za_refugee_selfie.jpg"),
		ref(noPhoto, "refugee found without photo", "Status Success; facialImage null", ""),
		ref(lapsed, "refugee file lapsed", "Status Success; fileStatus \"Lapsed\", alternativeFileNumber set", ""),
		{Dialect: idgate.DialectSecureCitizen, Endpoint: refugeeEndpoint, Country: idgate.SouthAfrica, IDType: idgate.RefugeeFile,
			Number: "JHBCOD00999999", Case: "refugee file not on NIIS", Expect: "Status Failure; Message \"800 - File number is valid, but is not found on NIIS\""},
		withFault(ref(cachedDown, "NIIS down, cached record", "CachedResult true with CacheDate (the refugee endpoint always falls back to the identity cache)", ""), idgate.FaultDown, true),
	}
}
