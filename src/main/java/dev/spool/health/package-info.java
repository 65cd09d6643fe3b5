/**
 * What {@code /actuator/health} says of Spool: whether the workspace can be written, and how the model's last call
 * ended.
 */
package dev.spool.health;
