package securecitizen_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/idgate/idgate/internal/app"
	"github.com/idgate/idgate/internal/face"
	"github.com/idgate/idgate/internal/sandbox"
	"github.com/idgate/idgate/internal/sqlstore/sqlstoretest"
)

// TestFaceStringAgainstRegistryPhoto runs the real face engine on the
// sandbox photos: the same person matches, another does not, and liveness
// fills every field of page 001.
func TestFaceStringAgainstRegistryPhoto(t *testing.T) {
	if testing.Short() {
		t.Skip("face engine inference in -short mode")
	}
	engine, err := face.New(face.Config{})
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(context.Background(), sqlstoretest.Open(t, sqlstoretest.SQLiteURL(t)),
		app.Config{Sandbox: true, Face: engine, Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatal(err)
	}
	selfie := func(name string) string { return base64.StdEncoding.EncodeToString(sandbox.Photo(name)) }
	tests := []struct {
		name, path, body string
		identical        bool
	}{
		{"same person, no names", "/Citizen/RSAIDVerification",
			fmt.Sprintf(`{"ConsentReceived":true,"IdNumber":"8507145123085","FaceString":%q,"LivenessRequired":true,"RequestReason":"r"}`, selfie("za_citizen_selfie.jpg")), true},
		{"other person", "/Citizen/RSAIDVerification",
			fmt.Sprintf(`{"ConsentReceived":true,"IdNumber":"8507145123085","FaceString":%q,"RequestReason":"r"}`, selfie("ke_person_selfie.jpg")), false},
		{"refugee, same person, data URI", "/Citizen/RefugeeVerification",
			fmt.Sprintf(`{"ConsentReceived":true,"FileNumber":"JHBCOD00123456","FaceString":"data:image/jpeg;base64,%s","LivenessRequired":true,"RequestReason":"r"}`, selfie("za_refugee_selfie.jpg")), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out := post(t, a.Handler, a.SandboxKey, tt.path, tt.body)
			if code != http.StatusOK {
				t.Fatalf("status %d: %v", code, out)
			}
			resp := out["response"].(map[string]any)
			fr, ok := resp["FaceResult"].(map[string]any)
			if !ok {
				t.Fatalf("FaceResult = %v", resp["FaceResult"])
			}
			if fr["isIdentical"] != tt.identical {
				t.Fatalf("isIdentical = %v, want %v (confidence %v)", fr["isIdentical"], tt.identical, fr["confidence"])
			}
			if c := fr["confidence"].(float64); c < 0 || c > 1 {
				t.Fatalf("confidence %v outside 0..1", c)
			}
			if lr, ok := resp["LivenessResult"].(map[string]any); ok {
				if lr["LivenessPassResult"] == nil || lr["LivenessMessage"] == "" {
					t.Fatalf("LivenessResult = %v", lr)
				}
			}
		})
	}
	// A selfie with no face is a clear 400, not a non-match.
	blank := base64.StdEncoding.EncodeToString(sandbox.Photo("za_citizen.jpg")[:100])
	code, out := post(t, a.Handler, a.SandboxKey, "/Citizen/RSAIDVerification",
		fmt.Sprintf(`{"ConsentReceived":true,"IdNumber":"8507145123085","FaceString":%q,"RequestReason":"r"}`, blank))
	if code != http.StatusBadRequest {
		t.Fatalf("corrupt selfie: %d %v, want 400", code, out)
	}
}
