// Command pulumi-tfgen-kafka writes the Pulumi schema of the kafka provider
// (run as: pulumi-tfgen-kafka schema --out DIR).
package main

import (
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfgen"

	"messaging-platform.invalid/e2e/provider-kafka/info"
)

// version is stamped at build time with -ldflags "-X main.version=...".
var version = "0.0.0-dev"

func main() { tfgen.Main("kafka", version, info.Provider(version)) }
