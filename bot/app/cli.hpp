#pragma once
// The `hindsight` command line: run, console, export, check-config, migrate, version, blame-check.
namespace hindsight::bot {

int run_cli(int argc, char** argv);

}  // namespace hindsight::bot
