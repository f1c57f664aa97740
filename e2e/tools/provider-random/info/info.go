// Package info maps terraform-provider-random (plugin framework) onto the
// Pulumi tokens and property names of the published pulumi_random SDK
// (4.21.x). Our own mapping; no upstream Pulumi provider code is used.
package info

import (
	pftfbridge "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	"github.com/terraform-providers/terraform-provider-random/shim"
)

// resources: TF type name -> Pulumi type name (module "index").
var resources = map[string]string{
	"random_bytes":    "RandomBytes",
	"random_id":       "RandomId",
	"random_integer":  "RandomInteger",
	"random_password": "RandomPassword",
	"random_pet":      "RandomPet",
	"random_shuffle":  "RandomShuffle",
	"random_string":   "RandomString",
	"random_uuid":     "RandomUuid",
	"random_uuid4":    "RandomUuid4",
	"random_uuid7":    "RandomUuid7",
}

// Provider returns the bridge description of the random provider at version.
// metadata is the bridge-metadata.json written by tfgen (may be empty).
func Provider(version string, metadata []byte) tfbridge.ProviderInfo {
	res := map[string]*tfbridge.ResourceInfo{}
	for tf, name := range resources {
		// MakeResource gives random:index/randomPassword:RandomPassword etc.
		res[tf] = &tfbridge.ResourceInfo{Tok: tfbridge.MakeResource("random", "index", name)}
	}
	return tfbridge.ProviderInfo{
		P:                 pftfbridge.ShimProvider(shim.NewProvider()),
		Name:              "random",
		DisplayName:       "random",
		Version:           version,
		GitHubOrg:         "hashicorp",
		Description:       "A Pulumi package to safely use randomness in Pulumi programs.",
		Keywords:          []string{"pulumi", "random"},
		License:           "Apache-2.0",
		TFProviderLicense: licensePtr(tfbridge.MPL20LicenseType),
		TFProviderVersion: "3.9.0",
		MetadataInfo:      tfbridge.NewProviderMetadata(metadata),
		Resources:         res,
	}
}

func licensePtr(l tfbridge.TFProviderLicense) *tfbridge.TFProviderLicense { return &l }
