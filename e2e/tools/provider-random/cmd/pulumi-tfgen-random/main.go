// Command pulumi-tfgen-random writes the Pulumi schema and bridge metadata of
// the random provider (run as: pulumi-tfgen-random schema --out DIR).
package main

import (
	pftfgen "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfgen"

	"messaging-platform.invalid/e2e/provider-random/info"
)

// version is stamped at build time with -ldflags "-X main.version=...".
var version = "0.0.0-dev"

func main() { pftfgen.Main("random", info.Provider(version, nil)) }
