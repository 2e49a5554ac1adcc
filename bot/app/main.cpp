#include "bot/app/cli.hpp"

int main(int argc, char** argv) {
    return hindsight::bot::run_cli(argc, argv);
}
