/** The agent's configuration file: parsing and validation, with errors naming file and field. */
package io.vnet.agent.config;
