package main

import (
	"context"
	"fmt"
	"io"

	"github.com/bcsdk/bc/bcsync"
	"github.com/bcsdk/bc/bcsync/doctor"
	"github.com/bcsdk/bc/examples/sync/internal/config"
)

// doctorConfig is what the doctor checks for this command line and target.
func doctorConfig(cfg *config.Config, tgt target) doctor.Config {
	return doctor.Config{
		TenantID: tgt.tenant, ClientID: tgt.clientID, Secret: tgt.secret, Environment: tgt.environment,
		BaseURL: tgt.baseURL, TokenURL: tgt.tokenURL,
		Companies: cfg.Companies, Profile: cfg.PlanProfile(), Entities: cfg.Entities,
		Concurrency: cfg.Concurrency, UserAgent: "bcsdk-sync-doctor/" + version, Names: flagNames,
	}
}

// flagNames are the flags the doctor's fixes name.
var flagNames = doctor.Names{
	Environment: "--environment", BaseURL: "--base-url", TokenURL: "--token-url",
	Companies: "--companies", Profile: "--profile", Entities: "--entities", Doctor: "run --doctor",
}

// runDoctor runs --doctor: every setup check, printed as lines or --json;
// exit 0 when all pass (warnings allowed), 1 otherwise.
func runDoctor(ctx context.Context, cfg *config.Config, stdout, stderr io.Writer) int {
	tgt := newTarget(cfg)
	if tgt.fake != nil {
		defer tgt.fake.Close()
	}
	rep := doctor.Run(ctx, doctorConfig(cfg, tgt))
	write := rep.WriteText
	if cfg.JSON {
		write = rep.WriteJSON
	}
	if err := write(stdout); err != nil {
		fmt.Fprintf(stderr, "sync: --doctor: %v\n", err)
		return exitPartial
	}
	return rep.ExitCode()
}

// explain prints the setup check that explains a failed sync, if one does.
func explain(ctx context.Context, cfg *config.Config, tgt target, err error, failed []bcsync.SetResult, stderr io.Writer) {
	if res, ok := doctor.Explain(ctx, doctorConfig(cfg, tgt), err, failed); ok {
		fmt.Fprintln(stderr, "sync: the setup step to fix (run --doctor to check them all):")
		for _, l := range res.Lines() {
			fmt.Fprintln(stderr, l)
		}
	}
}
