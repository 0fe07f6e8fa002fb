#ifndef ART_CLI_H
#define ART_CLI_H
#include "artefact/artefact.h"
int cmd_assess(int argc, char **argv);
#endif
