package sandbox

import (
	"time"

	"github.com/idgate/idgate"
)

const (
	ninNativeEndpoint = "POST /v1/verifications"
	vninEndpoint      = "POST /v1/api/identity/ng/vnin"
	idScrubEndpoint   = "POST /v2/api/identity/ke/id-scrub"
)

// vninLifetime keeps the sandbox's live vNINs usable for as long as a
// sandbox database is likely to be kept; real vNINs last 72 hours.
const vninLifetime = 10 * 365 * 24 * time.Hour

// nigeria is the Youverify vNIN sandbox. The found person is page 003's
// sample (vNIN AB123456789012CD, Sarah Jane Doe). A vNIN is an alias of an
// 11-digit NIN, so the records are NIN identities (verifiable through the
// native API) and the vNIN cases are aliases of them; a person may hold
// several vNINs, so each case has its own.
func nigeria(now time.Time) []Identity {
	sarah := &idgate.Record{
		Country: idgate.Nigeria, IDType: idgate.NIN, Number: "12345678901",
		FirstNames: "Sarah", MiddleNames: "Jane", LastName: "Doe", BirthDate: "1988-04-04", Gender: "F",
		Photo: Photo("ng_person.jpg"),
		NG:    &idgate.NGPerson{Mobile: "08000000000", BirthState: "Edo", BirthLGA: "Esan West", BirthCountry: "nigeria"},
	}
	chinedu := &idgate.Record{
		Country: idgate.Nigeria, IDType: idgate.NIN, Number: "12345678902",
		FirstNames: "Chinedu", LastName: "Okafor", BirthDate: "1990-01-15", Gender: "M",
		NG: &idgate.NGPerson{Mobile: "08011111111", Email: "chinedu.okafor@example.com",
			BirthState: "Anambra", BirthLGA: "Onitsha North", BirthCountry: "nigeria"},
	}
	nin := func(r *idgate.Record, c, expect string) Identity {
		return Identity{Dialect: idgate.DialectNative, Endpoint: ninNativeEndpoint, Country: idgate.Nigeria,
			IDType: idgate.NIN, Number: r.Number, Names: r.FirstNames + " " + r.LastName, Case: c, Expect: expect, Record: r}
	}
	vnin := func(number string, holder *idgate.Record, expires time.Time, c, expect, selfie string) Identity {
		id := Identity{Dialect: idgate.DialectYouverify, Endpoint: vninEndpoint, Country: idgate.Nigeria,
			IDType: idgate.VNIN, Number: number, Case: c, Expect: expect, Selfie: selfie}
		if holder != nil {
			id.Names = holder.FirstNames + " " + holder.LastName
			id.VNINAliases = []idgate.VNINAlias{{VNIN: number, NIN: holder.Number, ExpiresAt: expires}}
		}
		return id
	}
	live := now.Add(vninLifetime)
	down := vnin("DN123456789012WN", nil, live, "NIMC down",
		`500 {"success":false,"statusCode":500,"message":"Service unavailable","name":"Error","data":{}}`, "")
	down.Fault = &idgate.Fault{Country: idgate.Nigeria, IDType: idgate.VNIN, Number: down.Number, Kind: idgate.FaultDown}
	return []Identity{
		nin(sarah, "NIN found with photo (the holder of the vNINs below)", `outcome "found", names score 100 for Sarah Doe`),
		nin(chinedu, "NIN found without photo (holder of NP123456789012PH)", `outcome "found", no photo`),
		vnin("AB123456789012CD", sarah, live, "vNIN found (page 003 sample)",
			`status "found", image as a data URI, allValidationPassed true; validations.data {"firstName":"Sarah","lastName":"Doe","dateOfBirth":"1988-04-04"} validates every field`, ""),
		vnin("DV123456789012MM", sarah, live, "data validation mismatch",
			`validations.data {"firstName":"Margaret","lastName":"Doe","dateOfBirth":"1988-04-05"}: firstName and dateOfBirth validated false, allValidationPassed false, validationMessages names both`, ""),
		vnin("SF123456789012MT", sarah, live, "selfie matches",
			`validations.selfie.image with the selfie: selfieVerification match true with confidenceLevel and threshold (501 "not available" without the face engine)`, "ng_person_selfie.jpg"),
		vnin("SF123456789012NM", sarah, live, "selfie of someone else",
			`validations.selfie.image with the selfie: match false, allValidationPassed false, validationMessages "selfie does not match the ID photo"`, "za_citizen_selfie.jpg"),
		vnin("NP123456789012PH", chinedu, live, "vNIN found, no photo",
			`status "found", image null; a selfie gives match false, confidenceLevel 0 and a validationMessages entry`, "ng_person_selfie.jpg"),
		vnin("EX123456789012XP", sarah, now.Add(-24*time.Hour), "vNIN expired",
			`status "not_found", reason "vNIN has expired: ask the holder to generate a new one"`, ""),
		vnin("ZZ999999999999ZZ", nil, live, "vNIN not found", `status "not_found", reason "Person Not Found"`, ""),
		down,
	}
}

// kenya is the Youverify Kenya ID scrub sandbox: one person per ID type;
// the national ID is page 004's found sample, 00000000 its not_found one.
func kenya(time.Time) []Identity {
	john := &idgate.Record{
		Country: idgate.Kenya, IDType: idgate.NationalID, Number: "1234567",
		FirstNames: "John", MiddleNames: "M", LastName: "Doe", BirthDate: "2000-01-01", Gender: "M",
		Photo: Photo("ke_person.jpg"), // not on page 004; for face matching through the native API
		KE: &idgate.KEPerson{
			FullName: "John M Doe", MaritalStatus: "Married", Email: "skkariuki@kcbgroup.com",
			HomeTelephoneNumber: "+8761234567", MobileTelephoneNumber: "254723818284", WorkTelephoneNumber: "040-3203308",
			EmploymentName: "Teachers Service Commission.", LastEmployment: "NotSpecified",
			MainAddress:      &idgate.Address{Address: "NYAHURURU  KCC", Country: "KE", Town: "Nyahururu"},
			SecondaryAddress: &idgate.Address{Address: "NAKURU-CENTRE", Country: "KE", Town: "NYAHURURU", PostalCode: "20300"},
			ContractSummary:  map[string]string{"closedContracts": "2", "openContracts": "10"},
			Inquiries: map[string]string{
				"numberOfInquiriesLast12Months": "89", "numberOfInquiriesLast1Month": "6",
				"numberOfInquiriesLast24Months": "355", "numberOfInquiriesLast3Months": "12",
				"numberOfInquiriesLast6Months": "27",
			},
			Type: "keCreditInfo",
		},
	}
	amina := &idgate.Record{
		Country: idgate.Kenya, IDType: idgate.Passport, Number: "AK0123456",
		FirstNames: "Amina", LastName: "Wanjiru", BirthDate: "1985-07-09", Gender: "F",
		KE: &idgate.KEPerson{FullName: "Amina Wanjiru", MaritalStatus: "Single", MobileTelephoneNumber: "254700000001",
			MainAddress: &idgate.Address{Address: "MOI AVENUE", Country: "KE", Town: "Mombasa", PostalCode: "80100"},
			Type:        "keCreditInfo"},
	}
	pierre := &idgate.Record{
		Country: idgate.Kenya, IDType: idgate.AlienID, Number: "7654321",
		FirstNames: "Pierre", LastName: "Mugabo", BirthDate: "1979-03-21", Gender: "M",
		KE: &idgate.KEPerson{FullName: "Pierre Mugabo", MainAddress: &idgate.Address{Address: "KILIMANI", Country: "KE", Town: "Nairobi"},
			Type: "keCreditInfo"},
	}
	grace := &idgate.Record{
		Country: idgate.Kenya, IDType: idgate.ServiceID, Number: "200345",
		FirstNames: "Grace", MiddleNames: "Akinyi", LastName: "Otieno", BirthDate: "1992-11-30", Gender: "F",
		KE: &idgate.KEPerson{FullName: "Grace Akinyi Otieno", EmploymentName: "Kenya Defence Forces", LastEmployment: "Current",
			Type: "keCreditInfo"},
	}
	ke := func(r *idgate.Record, c, expect string) Identity {
		return Identity{Dialect: idgate.DialectYouverify, Endpoint: idScrubEndpoint, Country: idgate.Kenya,
			IDType: r.IDType, Number: r.Number, Names: r.KE.FullName, Case: c, Expect: expect, Record: r}
	}
	down := Identity{Dialect: idgate.DialectYouverify, Endpoint: idScrubEndpoint, Country: idgate.Kenya,
		IDType: idgate.NationalID, Number: "9999999", Case: "registry down",
		Expect: `500 {"success":false,"statusCode":500,"message":"Service unavailable","name":"Error","data":{}}`}
	down.Fault = &idgate.Fault{Country: idgate.Kenya, IDType: idgate.NationalID, Number: down.Number, Kind: idgate.FaultDown}
	return []Identity{
		ke(john, "national ID found (page 004 sample)", `status "found", the full record of the page's sample, "links": []`),
		ke(amina, "passport found", `status "found", identityType "passport"`),
		ke(pierre, "alien ID found", `status "found", identityType "alien-id", contact fields null`),
		ke(grace, "service ID found", `status "found", identityType "service-id"`),
		{Dialect: idgate.DialectYouverify, Endpoint: idScrubEndpoint, Country: idgate.Kenya, IDType: idgate.NationalID,
			Number: "00000000", Case: "not found (page 004 sample)",
			Expect: `status "not_found", reason "Person Not Found", type "keCreditInfoPhone"`},
		down,
	}
}
